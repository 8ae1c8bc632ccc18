import { logger } from "../log";
import { backoffMs, sleep } from "../session/backoff";
import { assertJobsFit, type Job, type JobQueue } from "./job";

/**
 * An in-process FIFO queue: jobs of one group in order, with the retries SQS would give; a job that keeps
 * failing goes to `deadLetter`, like the DLQ. Tests run the worker code through it directly, and npm start's
 * SQS stand-in (scripts/local-sqs.ts) hands its messages to the job-worker function through it.
 */
const MAX_REMEMBERED = 10_000;

export class LocalJobQueue implements JobQueue {
  private readonly chains = new Map<string, Promise<void>>();
  private readonly seen = new Set<string>();

  constructor(
    /** `attempt` counts from 1, like SQS's ApproximateReceiveCount. */
    private readonly work: (job: Job, attempt: number) => Promise<void>,
    private readonly deadLetter: (job: Job, error: unknown) => Promise<void>,
    private readonly maxAttempts = 5,
  ) {}

  async enqueue(job: Job): Promise<void> {
    assertJobsFit([job]);
    this.push(job);
  }

  async enqueueAll(jobs: readonly Job[]): Promise<void> {
    assertJobsFit(jobs);
    for (const job of jobs) this.push(job);
  }

  private push(job: Job): void {
    const id = `${job.kind}#${job.dedupeId}`;
    if (this.seen.has(id)) return; // FIFO deduplication
    this.seen.add(id);
    // Bounded like SQS's 5-minute window: a long-running local stack does not grow without end.
    if (this.seen.size > MAX_REMEMBERED) this.seen.delete(this.seen.values().next().value!);
    const previous = this.chains.get(job.group) ?? Promise.resolve();
    const next = previous.then(() => this.run(job));
    this.chains.set(job.group, next);
    void next.finally(() => {
      if (this.chains.get(job.group) === next) this.chains.delete(job.group);
    });
  }

  /** Resolves when every job enqueued so far has finished (tests and graceful shutdown). */
  async drain(): Promise<void> {
    while (this.chains.size > 0) await Promise.all([...this.chains.values()]);
  }

  private async run(job: Job): Promise<void> {
    for (let attempt = 1; attempt <= this.maxAttempts; attempt++) {
      try {
        await this.work(job, attempt);
        return;
      } catch (err) {
        logger.warn("job failed", { kind: job.kind, attempt, error: String(err) });
        if (attempt === this.maxAttempts) {
          await this.deadLetter(job, err).catch((e) => logger.error("dead letter not recorded", { error: String(e) }));
          return;
        }
        await sleep(backoffMs(attempt));
      }
    }
  }
}
