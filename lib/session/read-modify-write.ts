import { logger } from "../log";
import { backoffMs, sleep as sleepFor } from "./backoff";
import { assertMayCommit, markCommitted } from "./commit-guard";
import { TurnConflictError } from "./errors";

export interface Versioned {
  pk: string;
  version: number;
}

/**
 * Optimistic concurrency for one versioned item: read (consistently), `change`, write conditional on the
 * version read (`write` answers false when another writer got there first). A lost race re-reads and
 * runs `change` again, with jittered backoff, at most `maxAttempts` times, then TurnConflictError (503).
 * `change` must therefore be safe to rerun; it returns no `next` to write nothing. No write starts once the
 * request is about to time out (lib/session/commit-guard.ts): TurnAbortedError instead.
 */
export async function readModifyWrite<I extends Versioned, T>(options: {
  key: string;
  maxAttempts: number;
  read: () => Promise<I>;
  change: (item: I) => Promise<{ next?: I; result: T }> | { next?: I; result: T };
  write: (next: I, expectedVersion: number) => Promise<boolean>;
  sleep?: (ms: number) => Promise<void>;
}): Promise<{ result: T; item: I; before: I; written: boolean }> {
  const sleep = options.sleep ?? sleepFor;
  for (let attempt = 1; attempt <= options.maxAttempts; attempt++) {
    const before = await options.read();
    const { next, result } = await options.change(before);
    if (!next) return { result, item: before, before, written: false };
    const item = { ...next, version: before.version + 1 };
    // Right before the commit: not once the request's answer left (a 503 on timeout), so a retry runs it once.
    assertMayCommit(options.key);
    if (await options.write(item, before.version)) {
      markCommitted();
      return { result, item, before, written: true };
    }
    logger.debug("version conflict, rerunning", { attempt, key: options.key });
    await sleep(backoffMs(attempt));
  }
  throw new TurnConflictError(options.key, options.maxAttempts);
}
