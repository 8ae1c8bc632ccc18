import { AsyncLocalStorage } from "node:async_hooks";
import { TurnAbortedError } from "./errors";

/**
 * What a request's writes must respect: the signal middy aborts when it answers 503 just before the Lambda's
 * timeout, and a deadline by which a commit must start (so it can land before that answer). Carried through
 * the request's async work, so every versioned write (session, bank) checks it without being handed it.
 */
export interface CommitGuard {
  signal?: AbortSignal;
  /** Epoch ms (Date.now(), not the engine's clock). */
  deadline?: number;
  /** Set by the request's first write: its later writes (the session after the bank's) ignore the deadline. */
  committed?: boolean;
  /** The versioned write under way (see guardedCommit), so an answer can wait for it rather than leave before it lands. */
  inFlight?: Promise<unknown>;
  /** What the request's rerun waits are drawn from (rerunDraw): its message id, so two deliveries of one message wait alike. */
  seed?: string;
}

const guards = new AsyncLocalStorage<CommitGuard>();

export function withCommitGuard<T>(guard: CommitGuard, run: () => T): T {
  return guards.run(guard, run);
}

/** Throws TurnAbortedError instead of committing when the request's answer has left or is about to. */
export function assertMayCommit(what: string): void {
  const guard = guards.getStore();
  if (!guard) return;
  if (guard.signal?.aborted) throw new TurnAbortedError(`not writing ${what}, its answer already left`);
  // A side effect already landed: finishing the turn beats a retry that would redo it (without a requestId).
  if (!guard.committed && guard.deadline !== undefined && Date.now() >= guard.deadline) throw new TurnAbortedError(`not writing ${what} this late`);
}

/** Marks the request as having committed something (see CommitGuard.committed). */
export function markCommitted(): void {
  const guard = guards.getStore();
  if (guard) guard.committed = true;
}

/** Throws TurnAbortedError once the request's answer left: work after it (a rerun's read, a bot run) is wasted. */
export function assertStillAnswering(what: string): void {
  if (guards.getStore()?.signal?.aborted) throw new TurnAbortedError(`not running ${what} again, its answer already left`);
}

/**
 * Epoch ms by which the request's first commit must start, when it has one and has not committed yet: a turn
 * that would rerun past it gives up at once (an early 503 beats a late one).
 */
export function commitDeadline(): number | undefined {
  const guard = guards.getStore();
  return guard && !guard.committed ? guard.deadline : undefined;
}

/**
 * A versioned write under the guard: checked (assertMayCommit) right before it starts, marked committed when it
 * lands, and known to be under way meanwhile, so a budget that runs out while it is in flight (withAnswerBudget)
 * waits for its outcome instead of answering before it lands.
 */
export async function guardedCommit(what: string, write: () => Promise<boolean>): Promise<boolean> {
  assertMayCommit(what);
  const guard = guards.getStore();
  const pending = write();
  if (guard) guard.inFlight = pending.catch(() => undefined);
  try {
    const written = await pending;
    if (written) markCommitted();
    return written;
  } finally {
    if (guard) guard.inFlight = undefined;
  }
}

/**
 * The uniform draw in [0, 1) for the `attempt`-th rerun wait of this request: from the guard's seed (the message
 * id) when it has one, else Math.random(). Two deliveries of one message racing in a crowd (a platform's redelivery
 * beside its original) then wait alike and try again together: one wins and the other, on its next read after its
 * wait, finds the recorded answer (answers are kept 10 s as well as the newest 5: lib/session/bounds.ts).
 * Different messages draw apart, as jitter must.
 */
export function rerunDraw(attempt: number): number {
  const seed = guards.getStore()?.seed;
  if (seed === undefined) return Math.random();
  // FNV-1a over seed and attempt, then a final avalanche (murmur3's fmix32): a uniform 32-bit value.
  let h = 0x811c9dc5;
  for (const ch of `${seed}#${attempt}`) h = Math.imul(h ^ ch.charCodeAt(0), 0x01000193);
  h = Math.imul(h ^ (h >>> 16), 0x85ebca6b);
  h = Math.imul(h ^ (h >>> 13), 0xc2b2ae35);
  return ((h ^ (h >>> 16)) >>> 0) / 4294967296;
}

/** A platform's answer budget for one piece of work (withAnswerBudget). */
export interface AnswerBudget {
  /** Epoch ms by which the answer must leave. */
  answerBy: number;
  /** Epoch ms by which a commit must start, so that it lands before answerBy. */
  commitBy: number;
  /** Why, for the 503's log line (e.g. "Business Messenger's 5000 ms reply budget"). */
  what: string;
  /** The message id: the work's rerun waits are drawn from it (rerunDraw). */
  seed?: string;
}

/**
 * Runs `work` so that its answer leaves by `budget.answerBy`, for a platform that waits a fixed time for the HTTP
 * answer (Business Messenger: 5 s). No commit starts after `commitBy` (nor after the request's own deadline, which
 * still applies). When `answerBy` comes first, the request is answered with TurnAbortedError (503 + Retry-After)
 * and the guard is aborted, so the work still running commits nothing afterwards (its writes check the guard) and
 * stops at its next attempt. Exception: a commit that started in time but has not landed at `answerBy` (a store
 * slower than the commit margin) is waited for, and the answer is then the work's own: an answer never leaves
 * before a write of its turn that could still land.
 */
export async function withAnswerBudget<T>(budget: AnswerBudget, work: () => Promise<T>): Promise<T> {
  const outer = guards.getStore();
  // One signal for both ends: the budget's and the request's own (not AbortSignal.any: ~30 µs a request on Node 20).
  const expired = new AbortController();
  const followOuter = () => expired.abort();
  if (outer?.signal?.aborted) expired.abort();
  else outer?.signal?.addEventListener("abort", followOuter, { once: true });
  const signal = expired.signal;
  const deadline = Math.min(budget.commitBy, outer?.deadline ?? Infinity);
  const guard: CommitGuard = { signal, deadline, ...(outer?.committed ? { committed: true } : {}), ...(budget.seed !== undefined ? { seed: budget.seed } : {}) };
  const running = guards.run(guard, work);
  let timer: NodeJS.Timeout | undefined;
  const outOfTime = new Promise<"late">((resolve) => (timer = setTimeout(() => resolve("late"), Math.max(0, budget.answerBy - Date.now()))));
  try {
    const first = await Promise.race([running.then((value) => ({ value })), outOfTime]);
    if (first !== "late") return first.value;
    if (guard.inFlight) {
      await guard.inFlight;
      if (guard.committed) return await running;
    }
    expired.abort();
    // The work goes on until its next check of the guard, then fails with TurnAbortedError: nobody awaits it.
    running.catch(() => undefined);
    throw new TurnAbortedError(`${budget.what} ran out before the turn could commit`);
  } finally {
    clearTimeout(timer);
    outer?.signal?.removeEventListener("abort", followOuter);
    if (guard.committed && outer) outer.committed = true;
  }
}
