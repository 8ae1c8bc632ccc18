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
