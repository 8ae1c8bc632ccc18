/**
 * How long one job may take, and how much of the invocation stays free to report and return.
 * The longest step of a job with default settings is one POST to CM with its retries (three attempts of up to
 * 8 s with 0.5 s and 2 s between them: 26.5 s); an AI turn (15 s) or a few 5 s Kommunicate bubbles fit too.
 * Steps that would run past the job's deadline are cut (./deadline.ts) and resumed on the next receive
 * through the progress records, so a job never outlives the worker's 60 s timeout.
 */
export interface JobBudget {
  /** The most one job may take. */
  jobMs: number;
  /** Kept free after the last job: a dead-letter write and the answer to SQS. */
  finishMs: number;
}

export const JOB_BUDGET: JobBudget = { jobMs: 30_000, finishMs: 3_000 };

/** Whether a job may start with this much of the invocation left. */
export const canStartJob = (budget: JobBudget, remainingMs: number): boolean => remainingMs >= budget.jobMs + budget.finishMs;

/** The deadline of a job started at `now` with `remainingMs` of the invocation left. */
export const jobDeadline = (budget: JobBudget, now: number, remainingMs: number): number => now + Math.min(budget.jobMs, remainingMs - budget.finishMs);
