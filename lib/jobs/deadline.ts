import { AsyncLocalStorage } from "node:async_hooks";

/**
 * The deadline of the job being run, kept for the job's whole async call tree, so a client deep inside a
 * platform's code can shorten its timeouts and retries to what is left instead of outliving the Lambda.
 * Outside a job (a webhook's own request) there is no deadline.
 */
const scope = new AsyncLocalStorage<{ deadline: number }>();

/** An HTTP attempt shorter than this would time out on an ordinary round trip: not worth starting. */
const MIN_ATTEMPT_MS = 1_000;

export function withJobDeadline<T>(deadline: number, run: () => Promise<T>): Promise<T> {
  return scope.run({ deadline }, run);
}

/** Milliseconds left until the current job's deadline (Infinity outside a job). */
export function jobTimeLeft(now = Date.now()): number {
  const current = scope.getStore();
  return current ? current.deadline - now : Infinity;
}

/** Thrown instead of starting a network call that could not finish in time: the job is retried later. */
export class JobDeadlineError extends Error {
  constructor(what: string) {
    super(`job deadline reached before ${what}`);
    this.name = "JobDeadlineError";
  }
}

/**
 * An HTTP client's retry ladder cut to what is left: the per-attempt timeout and the number of attempts
 * shrink so that every attempt with its wait before it ends by the deadline. No attempt fits: JobDeadlineError.
 */
export function fitRetries(options: { timeoutMs: number; retryDelaysMs: readonly number[] }, what: string, leftMs = jobTimeLeft()): { timeoutMs: number; retryDelaysMs: number[] } {
  if (leftMs === Infinity) return { timeoutMs: options.timeoutMs, retryDelaysMs: [...options.retryDelaysMs] };
  const timeoutMs = Math.min(options.timeoutMs, leftMs);
  if (timeoutMs < MIN_ATTEMPT_MS) throw new JobDeadlineError(what);
  const delays: number[] = [];
  let spent = timeoutMs;
  for (const delay of options.retryDelaysMs) {
    if (spent + delay + timeoutMs > leftMs) break;
    spent += delay + timeoutMs;
    delays.push(delay);
  }
  return { timeoutMs, retryDelaysMs: delays };
}

