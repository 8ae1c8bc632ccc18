import { logger } from "../log";
import { countMetric } from "../metrics";
import { answersLeaving, applyBounds, DEFAULT_BOUNDS } from "../session/bounds";
import { expiresAt } from "../session/keys";
import { readModifyWrite } from "../session/read-modify-write";
import { newSession, type ProcessedEntry, type Session } from "../session/session";
import { handedToHuman } from "./handover";
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
 * Every session write goes through here, so reruns and handovers are counted here, once per commit.
 */
export async function updateSession<T>(
  deps: EngineDeps,
  platform: string,
  conversationId: string,
  change: (session: Session, now: number) => Promise<SessionChange<T>> | SessionChange<T>,
): Promise<{ result: T; session: Session; before: Session; written: boolean }> {
  let now = deps.clock();
  // Durable answers the write drops: the stored ones are written out before it, this turn's own after it.
  let leaving: ProcessedEntry[] = [];
  let ownLeaving: ProcessedEntry[] = [];
  let reads = 0;
  const { result, item, before, written } = await readModifyWrite<Session, T>({
    key: `${platform}#${conversationId}`,
    maxAttempts: deps.limits.maxAttempts,
    ...(deps.sleep ? { sleep: deps.sleep } : {}),
    read: async () => {
      // Every read after the first reruns the change: another writer won the race (counted even if all attempts lose).
      if (++reads > 1) countMetric("Reruns", 1, { platform });
      now = deps.clock();
      return (await deps.sessions.load(platform, conversationId, now)) ?? newSession(platform, conversationId, now);
    },
    change: async (session) => {
      const { next, result } = await change(session, now);
      if (!next) return { result };
      const stamped = { ...next, updatedAt: now, expiresAt: expiresAt(now, deps.limits.sessionTtlDays) };
      const bounded = applyBounds(stamped, now, { ...DEFAULT_BOUNDS, dedupeMs: deps.limits.dedupeMs });
      const stored = new Set(session.processed.map((p) => p.id));
      leaving = answersLeaving(session.processed, bounded.processed);
      ownLeaving = answersLeaving(stamped.processed.filter((p) => !stored.has(p.id)), bounded.processed);
      const kept = new Set(bounded.processed.map((p) => p.id));
      const forgotten = (session.forgotten ?? 0) + stamped.processed.filter((p) => p.durable && !kept.has(p.id)).length;
      return { result, next: forgotten ? { ...bounded, forgotten } : bounded };
    },
    write: async (next, expected) => {
      // Before the write that drops them: a keyed retry that misses one in the item finds it as its own item.
      for (const entry of leaving) await deps.sessions.saveAnswer(platform, conversationId, entry, next.expiresAt);
      return (await deps.sessions.save(next, expected)) === "saved";
    },
  });
  // This turn's own answer, too large to keep (the byte budget): only once committed, so no record ever
  // holds an answer that was not given. Best effort: the turn is done; a retry then finds its id, with no answer.
  if (written) {
    if (handedToHuman(before.handover, item.handover)) countMetric("Handovers", 1, { platform });
    for (const entry of ownLeaving) {
      await deps.sessions.saveAnswer(platform, conversationId, entry, item.expiresAt).catch((err) => logger.warn("could not write a recorded answer", { error: String(err) }));
    }
  }
  return { result, session: item, before, written };
}
