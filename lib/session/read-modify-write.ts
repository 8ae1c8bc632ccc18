import { logger } from "../log";
import { rerunWindowMs, sleep as sleepFor } from "./backoff";
import { assertStillAnswering, commitDeadline, guardedCommit, rerunDraw } from "./commit-guard";
import { TurnConflictError } from "./errors";

export interface Versioned {
  pk: string;
  version: number;
}

/**
 * Optimistic concurrency for one versioned item: read (consistently), `change`, write conditional on the
 * version read (`write` answers false when another writer got there first). A lost race re-reads and
 * runs `change` again after a jittered backoff counted in the attempt's own store time and adapted to how busy
 * the item is (lib/session/backoff.ts rerunWindowMs), at most `maxAttempts` times, then TurnConflictError (503). `change` must therefore be safe
 * to rerun; it returns no `next` to write nothing. No write starts once the request is about to time out or
 * its platform's answer budget runs out (lib/session/commit-guard.ts): TurnAbortedError instead; and a rerun
 * that could not commit before that deadline is not started: TurnConflictError at once (an early 503 beats a late one).
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
  let window = 0;
  let last: { version: number; at: number } | undefined;
  for (let attempt = 1; attempt <= options.maxAttempts; attempt++) {
    // A rerun after the answer left (the budget ran out while this one waited) would only load the store.
    if (attempt > 1) assertStillAnswering(options.key);
    const readStarted = Date.now();
    const before = await options.read();
    const readMs = Date.now() - readStarted;
    const commitsSeen = last ? before.version - last.version : 0;
    const elapsed = last ? readStarted - last.at : 0;
    last = { version: before.version, at: readStarted };
    const { next, result } = await options.change(before);
    if (!next) return { result, item: before, before, written: false };
    const item = { ...next, version: before.version + 1 };
    // Right before the commit: not once the request's answer left (a 503 on timeout), so a retry runs it once.
    const writeStarted = Date.now();
    if (await guardedCommit(options.key, () => options.write(item, before.version))) return { result, item, before, written: true };
    const storeMs = readMs + Date.now() - writeStarted;
    logger.debug("version conflict, rerunning", { attempt, key: options.key });
    if (attempt === options.maxAttempts) break;
    window = rerunWindowMs({ conflicts: attempt, window, attemptMs: storeMs, commitsSeen, elapsedMs: elapsed });
    const wait = rerunDraw(attempt) * window;
    // The commit deadline (a platform's answer budget, the Lambda's timeout): a wait that ends past it could not be
    // followed by a commit: a busy 503 at once instead. Measured, cutting the wait short instead sends the waiters
    // back together near the deadline, a second stampede that commits almost nothing (11 of 100 turns); drawing it
    // again within the time left draws two deliveries of one message apart (see rerunDraw).
    const deadline = commitDeadline();
    if (deadline !== undefined && Date.now() + wait >= deadline) throw new TurnConflictError(options.key, attempt, "no time left to run it again");
    await sleep(wait);
  }
  throw new TurnConflictError(options.key, options.maxAttempts);
}
