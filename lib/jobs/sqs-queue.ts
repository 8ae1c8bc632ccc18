import { createHash } from "node:crypto";
import { SendMessageBatchCommand, SendMessageCommand, SQSClient, type SendMessageBatchRequestEntry } from "@aws-sdk/client-sqs";
import { backoffMs, sleep } from "../session/backoff";
import { StoreUnavailableError } from "../session/errors";
import { jobBodies, type Job, type JobQueue } from "./job";

/** SQS FIFO ids allow 128 characters of [A-Za-z0-9!-~]: hash anything a platform sends. */
const fifoId = (value: string) => createHash("sha256").update(value).digest("hex");

/** SendMessageBatch's limits: 10 entries, and 256 KB for all their messages together. */
export const MAX_BATCH_ENTRIES = 10;
export const MAX_BATCH_BYTES = 256 * 1024;
/** Entries SQS reports as Failed are sent again this many times in all before the enqueue fails. */
const BATCH_ATTEMPTS = 3;

/**
 * The deployed queue: an SQS FIFO queue (message group = conversation, deduplication id = the job's id)
 * feeding functions/job-worker.ts, with a dead-letter queue for jobs that keep failing (serverless.yml).
 */
export class SqsJobQueue implements JobQueue {
  private readonly client: SQSClient;

  /** `endpoint`: a local stand-in of SQS (npm start); deployed, the client finds SQS from the region. */
  constructor(
    private readonly queueUrl: string,
    client?: SQSClient,
    endpoint?: string,
  ) {
    this.client = client ?? new SQSClient({ maxAttempts: 3, ...(endpoint ? { endpoint } : {}) });
  }

  async enqueue(job: Job): Promise<void> {
    const [body] = jobBodies([job]);
    try {
      await this.client.send(new SendMessageCommand({ QueueUrl: this.queueUrl, ...message(job, body!) }));
    } catch (err) {
      throw new StoreUnavailableError("enqueue job", err);
    }
  }

  /**
   * Batches sent one after another, so a group's order holds across them (within a batch SQS keeps the
   * entries' order). A failed request or entries still failing after retries throw StoreUnavailableError
   * (503): the platform delivers again and the deduplication ids make the accepted jobs no-ops.
   */
  async enqueueAll(jobs: readonly Job[]): Promise<void> {
    const bodies = jobBodies(jobs);
    let batch: SendMessageBatchRequestEntry[] = [];
    let bytes = 0;
    for (const [index, job] of jobs.entries()) {
      const entry = { Id: String(index), ...message(job, bodies[index]!) };
      const size = Buffer.byteLength(entry.MessageBody, "utf8");
      if (batch.length === MAX_BATCH_ENTRIES || (batch.length > 0 && bytes + size > MAX_BATCH_BYTES)) {
        await this.sendBatch(batch);
        [batch, bytes] = [[], 0];
      }
      batch.push(entry);
      bytes += size;
    }
    if (batch.length) await this.sendBatch(batch);
  }

  /**
   * One SendMessageBatch; entries SQS reports as Failed are sent again (in their order). Should SQS accept a
   * later entry of the same group while refusing an earlier one, those two run out of order: SQS offers no way
   * to prevent that, and the jobs are idempotent.
   */
  private async sendBatch(entries: SendMessageBatchRequestEntry[]): Promise<void> {
    let pending = entries;
    for (let attempt = 1; ; attempt++) {
      let failed: Array<{ Id?: string; Code?: string; Message?: string }>;
      try {
        failed = (await this.client.send(new SendMessageBatchCommand({ QueueUrl: this.queueUrl, Entries: pending }))).Failed ?? [];
      } catch (err) {
        throw new StoreUnavailableError("enqueue jobs", err);
      }
      if (!failed.length) return;
      const ids = new Set(failed.map((f) => f.Id));
      pending = pending.filter((e) => ids.has(e.Id));
      if (attempt === BATCH_ATTEMPTS) {
        const [first] = failed;
        throw new StoreUnavailableError("enqueue jobs", new Error(`SQS refused ${pending.length} of the batch: ${first?.Code ?? ""} ${first?.Message ?? ""}`.trim()));
      }
      await sleep(backoffMs(attempt));
    }
  }
}

function message(job: Job, body: string) {
  return { MessageBody: body, MessageGroupId: fifoId(job.group), MessageDeduplicationId: fifoId(`${job.kind}#${job.dedupeId}`) };
}
