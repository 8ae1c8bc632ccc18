/** Exponential backoff with full jitter, capped: spreads retries apart (the job queue's sends). */
export const backoffMs = (attempt: number): number => Math.random() * Math.min(250, 5 * 2 ** attempt);

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * How a turn that lost the race for its conversation's item waits before it runs again (read-modify-write.ts):
 * a random wait in [0, window), the window counted in the loser's own store time per attempt (its read and its
 * write, as long as the store and the machine make them: ~10 ms in AWS, 50–200 ms on a loaded 2-core machine),
 * because what spaces contenders apart is how long each holds the item between its read and its write, not a
 * fixed number of milliseconds.
 *
 * The first rerun follows at once (within 10 ms, as before): the commonest race is a platform's redelivery of
 * the very message that won, which then finds that message's recorded answer at once, before newer turns push it
 * out of the item (it keeps the newest 5 answers). From the second lost race on, the window starts at 4 attempt
 * times; after each further one it grows 4× if the item was busy while this turn waited (the commits it saw, each
 * an attempt time long, filled at least half of the time since its last read), else it shrinks 4× (the crowd is
 * leaving: waiting long would leave the item idle and make the tail late). At most 64 attempt times, never over 2 s.
 *
 * Measured with `npm run bench` (f: 50 turns at once on one BM dialog, each in its own process, 2 shared cores):
 * the earlier fixed window (5·2^n ms, at most 250 ms) stayed far below 50 attempt times here, so the 49 losers
 * kept colliding: 9.2 reruns per applied turn, p99 14 s. Windows in attempt times growing ×2 per lost race:
 * 2.4 reruns; ×4: 1.3–4 (load-dependent); ×4 and shrinking when the item was idle: as few reruns or fewer, with
 * a shorter tail (in-process, 50 turns: last answer 3.9 s against 4.3–4.9 s). Decorrelated jitter (up to 3× the
 * previous wait) reran 1.8 times but slept too long (p99 18 s).
 */
export const RERUN_BACKOFF = {
  /** The window after the first lost race, in ms. */
  firstMs: 10,
  /** The window after the second, in attempt times, and its factor per lost race after that (up when busy, down when not). */
  growth: 4,
  /** The item counts as busy when the commits seen filled at least this share of the wait. */
  busyShare: 0.5,
  /** At most this many attempt times… */
  maxAttempts: 64,
  /** …and never more than this, whatever an attempt took. */
  maxMs: 2_000,
  /** An attempt counts at least this long (a store answering in 1 ms would otherwise leave no window). */
  minAttemptMs: 5,
} as const;

export interface RerunObservation {
  /** Lost races so far, this one included (1 for the first). */
  conflicts: number;
  /** The window of the previous wait (0 before the first). */
  window: number;
  /** The last attempt's store time (its read and its write), in ms. */
  attemptMs: number;
  /** Commits by others between this turn's previous read and its last one (its version increase). */
  commitsSeen: number;
  /** Milliseconds between those two reads. */
  elapsedMs: number;
}

/** The window to wait in after a lost race (see RERUN_BACKOFF); the wait is a uniform draw from it. */
export function rerunWindowMs({ conflicts, window, attemptMs, commitsSeen, elapsedMs }: RerunObservation): number {
  if (conflicts <= 1) return RERUN_BACKOFF.firstMs;
  const unit = Math.max(RERUN_BACKOFF.minAttemptMs, attemptMs);
  const cap = Math.min(unit * RERUN_BACKOFF.maxAttempts, RERUN_BACKOFF.maxMs);
  if (conflicts === 2) return Math.min(cap, unit * RERUN_BACKOFF.growth);
  const busy = (commitsSeen * unit) / Math.max(unit, elapsedMs) >= RERUN_BACKOFF.busyShare;
  return busy ? Math.min(cap, window * RERUN_BACKOFF.growth) : Math.min(cap, Math.max(unit, window / RERUN_BACKOFF.growth));
}
