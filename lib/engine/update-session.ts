import { applyBounds, DEFAULT_BOUNDS } from "../session/bounds";
import { readModifyWrite } from "../session/read-modify-write";
import { newSession, type Session } from "../session/session";
import type { EngineDeps } from "./run-turn";

export interface SessionChange<T> {
  /** The new session (its version, timestamps, TTL and bounds are set here), or undefined to write nothing. */
  next?: Session;
  result: T;
}

/**
 * The read-modify-write every session change goes through (lib/session/read-modify-write.ts): one
 * consistent read, `change` on it, one put conditional on the version read, with the session's
 * timestamps, TTL and size bounds applied here. `change` must be safe to rerun.
 */
export async function updateSession<T>(
  deps: EngineDeps,
  platform: string,
  conversationId: string,
  change: (session: Session, now: number) => Promise<SessionChange<T>> | SessionChange<T>,
): Promise<{ result: T; session: Session; before: Session; written: boolean }> {
  let now = deps.clock();
  const { result, item, before, written } = await readModifyWrite<Session, T>({
    key: `${platform}#${conversationId}`,
    maxAttempts: deps.limits.maxAttempts,
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
    read: async () => {
      now = deps.clock();
      return (await deps.sessions.load(platform, conversationId, now)) ?? newSession(platform, conversationId, now);
    },
    change: async (session) => {
      const { next, result } = await change(session, now);
      if (!next) return { result };
      const stamped = { ...next, updatedAt: now, expiresAt: Math.floor(now / 1000) + deps.limits.sessionTtlDays * 86_400 };
      return { result, next: applyBounds(stamped, now, { ...DEFAULT_BOUNDS, dedupeMs: deps.limits.dedupeMs }) };
    },
    write: async (next, expected) => (await deps.sessions.save(next, expected)) === "saved",
  });
  return { result, session: item, before, written };
}
