import type { SQSRecord } from "aws-lambda";
import { logger } from "../log";
import { processFifoBatch } from "./fifo-batch";
import { FifoMessages, sqsRecordOf, type QueuedMessage } from "./fifo-messages";
import { FifoPump } from "./fifo-pump";
import { assertJobsFit, stampCorrelation, type Job, type JobQueue } from "./job";

export interface LocalQueueOptions {
  /** How long a failed job waits before it is received again (SQS's visibility timeout). Short by default: tests. */
  visibilityTimeoutMs?: number;
  batchSize?: number;
}

const LOCAL_QUEUE_ARN = "arn:aws:sqs:local:000000000000:in-process-jobs.fifo";

/**
 * An in-process SQS FIFO queue: jobs are handed out in batches across groups, in order within a group, like SQS
 * and the worker do it: a failure fails only its own group for that batch, the job comes back after the
 * visibility timeout, and one that keeps failing goes to `deadLetter` after `maxAttempts` receives (the DLQ).
 * Tests run the worker code through it directly.
 */
export class LocalJobQueue implements JobQueue {
  private readonly messages: FifoMessages;
  private readonly pump: FifoPump;
  private readonly errors = new Map<string, unknown>();

  constructor(
    /** `attempt` counts from 1, like SQS's ApproximateReceiveCount. */
    private readonly work: (job: Job, attempt: number) => Promise<void>,
    private readonly deadLetter: (job: Job, error: unknown) => Promise<void>,
    maxAttempts = 5,
    options: LocalQueueOptions = {},
  ) {
    this.messages = new FifoMessages({ visibilityTimeoutMs: options.visibilityTimeoutMs ?? 50, maxReceiveCount: maxAttempts });
    this.pump = new FifoPump(this.messages, (batch) => this.runBatch(batch), (message) => this.dead(message), options.batchSize);
  }

  async enqueue(job: Job): Promise<void> {
    await this.enqueueAll([job]);
  }

  async enqueueAll(jobs: readonly Job[]): Promise<void> {
    assertJobsFit(jobs);
    for (const job of jobs.map(stampCorrelation)) this.messages.send(JSON.stringify(job), job.group, `${job.kind}#${job.dedupeId}`);
    // Not inside the caller's code: its jobs start once it has moved on, as they would behind a real queue.
    queueMicrotask(() => this.pump.pump());
  }

  /** Resolves when every job enqueued so far has finished or been dead-lettered (tests and graceful shutdown). */
  drain(): Promise<void> {
    return this.pump.drain();
  }

  private async runBatch(batch: readonly QueuedMessage[]): Promise<ReadonlySet<string>> {
    const run = async (record: SQSRecord) => {
      const job = JSON.parse(record.body) as Job;
      const attempt = Number(record.attributes.ApproximateReceiveCount);
      try {
        await this.work(job, attempt);
        this.errors.delete(record.messageId);
      } catch (err) {
        logger.warn("job failed", { kind: job.kind, attempt, error: String(err) });
        this.errors.set(record.messageId, err);
        throw err;
      }
    };
    const records = batch.map((m) => sqsRecordOf(m, LOCAL_QUEUE_ARN));
    const { batchItemFailures } = await processFifoBatch(records, { canStart: () => true, run, skipped: () => undefined });
    return new Set(batchItemFailures.map((f) => f.itemIdentifier));
  }

  private async dead(message: QueuedMessage): Promise<void> {
    const error = this.errors.get(message.messageId) ?? new Error("not run: an earlier job of its group kept failing");
    this.errors.delete(message.messageId);
    await this.deadLetter(JSON.parse(message.body) as Job, error).catch((e: unknown) => logger.error("dead letter not recorded", { error: String(e) }));
  }
}
