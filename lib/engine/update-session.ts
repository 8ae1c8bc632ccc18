import { logger } from "../log";
import { backoffMs, sleep as sleepFor } from "../session/backoff";
import { applyBounds, DEFAULT_BOUNDS } from "../session/bounds";
import { TurnConflictError } from "../session/errors";
import { newSession, type Session } from "../session/session";
import type { EngineDeps } from "./run-turn";

export interface SessionChange<T> {
  /** The new session (its version, timestamps, TTL and bounds are set here), or undefined to write nothing. */
  next?: Session;
  result: T;
}

/**
 * The read-modify-write every session change goes through: one consistent read, `change` on it, one put
 * conditional on the version read. On a lost race it re-reads and runs `change` again (bounded, with
 * jittered backoff), so no update is lost; `change` must therefore be safe to rerun.
 */
export async function updateSession<T>(
  deps: EngineDeps,
  platform: string,
  conversationId: string,
  change: (session: Session, now: number) => Promise<SessionChange<T>> | SessionChange<T>,
): Promise<{ result: T; session: Session; before: Session; written: boolean }> {
  const sleep = deps.sleep ?? sleepFor;
  for (let attempt = 1; attempt <= deps.limits.maxAttempts; attempt++) {
    const now = deps.clock();
    const before = (await deps.sessions.load(platform, conversationId, now)) ?? newSession(platform, conversationId, now);
    const { next, result } = await change(before, now);
    if (!next) return { result, session: before, before, written: false };
    const bounded = applyBounds(
      { ...next, version: before.version + 1, updatedAt: now, expiresAt: Math.floor(now / 1000) + deps.limits.sessionTtlDays * 86_400 },
      now,
      { ...DEFAULT_BOUNDS, dedupeMs: deps.limits.dedupeMs },
    );
    if ((await deps.sessions.save(bounded, before.version)) === "saved") return { result, session: bounded, before, written: true };
    logger.debug("session version conflict, rerunning", { attempt, conversationId });
    await sleep(backoffMs(attempt));
  }
  throw new TurnConflictError(`${platform}#${conversationId}`, deps.limits.maxAttempts);
}
