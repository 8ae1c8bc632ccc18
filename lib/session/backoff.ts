/** Exponential backoff with full jitter, capped: spreads retries apart (the job queue's sends). */
export const backoffMs = (attempt: number): number => Math.random() * Math.min(250, 5 * 2 ** attempt);

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

/**
 * How a turn that lost the race for its conversation's item waits before it runs again (read-modify-write.ts):
 * a random wait in [0, window), the window counted in the loser's own store time per attempt (its read and its
 * write, as long as the store and the machine make them: ~10 ms in AWS, 50–200 ms on a loaded 2-core machine;
 * rounded up to a power of 2 ms, and the draw taken from the message id: commit-guard.ts rerunDraw),
 * because what spaces contenders apart is how long each holds the item between its read and its write, not a
 * fixed number of milliseconds.
 *
 * The window starts at 4 attempt times. After each further lost race it grows 4× if the item was busy while this
 * turn waited (the commits it saw, each an attempt time long, filled at least half of the time since its last
 * read), else it shrinks 4× (the crowd is leaving: waiting long would leave the item idle and make the tail late).
 * At most 64 attempt times, and never over 2 s. (A redelivery racing its original used to re-read at once to
 * catch the original's answer before newer turns pushed it out; with answers kept 10 s it finds it after its wait,
 * and a crowd's losers no longer each pay a read and a bot run for that.)
 *
 * Why 2 s, measured (`npm run bench` f: 50 turns at once on one BM dialog, each in its own process, 2 shared
 * cores; test/faults): a crowd needs windows of about crowd × attempt time to stop colliding. With a 2 s cap, 50 turns
 * reran 1.3–1.4 times per applied turn (9.2 with the earlier 5·2^n ms, 250 ms windows; about 7 with a 250 ms cap)
 * and 99 of 100 answered within BM's budget on a busy machine. Two deliveries of one message (a platform's
 * redelivery beside its original) may then wait apart for up to 2 s while newer turns commit: the second still
 * finds the first's answer because recorded answers are kept 10 s as well as the newest 5 (lib/session/bounds.ts);
 * kept by count only, "both copies get the same answer" (test/faults/concurrency.test.ts) failed 1 run in 4.
 * Decorrelated jitter (up to 3× the previous wait) reran 1.8 times but slept too long (p99 18 s).
 */
export const RERUN_BACKOFF = {
  /** The first window, in attempt times, and its factor per lost race after that (up when busy, down when not). */
  growth: 4,
  /** The item counts as busy when the commits seen filled at least this share of the wait. */
  busyShare: 0.5,
  /** At most this many attempt times… */
  maxAttempts: 64,
  /** …and never more than this, whatever an attempt took (see above; recorded answers are kept 10 s: lib/session/bounds.ts). */
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
  // Rounded up to a power of 2: two deliveries of one message, whose attempts took about as long, get the same window.
  const unit = 2 ** Math.ceil(Math.log2(Math.max(RERUN_BACKOFF.minAttemptMs, attemptMs)));
  const cap = Math.min(unit * RERUN_BACKOFF.maxAttempts, RERUN_BACKOFF.maxMs);
  if (conflicts <= 1) return Math.min(cap, unit * RERUN_BACKOFF.growth);
  const busy = (commitsSeen * unit) / Math.max(unit, elapsedMs) >= RERUN_BACKOFF.busyShare;
  return busy ? Math.min(cap, window * RERUN_BACKOFF.growth) : Math.min(cap, Math.max(unit, window / RERUN_BACKOFF.growth));
}
