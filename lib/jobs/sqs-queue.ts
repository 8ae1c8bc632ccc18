import { createHash } from "node:crypto";
import { SendMessageCommand, SQSClient } from "@aws-sdk/client-sqs";
import { StoreUnavailableError } from "../session/errors";
import type { Job, JobQueue } from "./job";

/** SQS FIFO ids allow 128 characters of [A-Za-z0-9!-~]: hash anything a platform sends. */
const fifoId = (value: string) => createHash("sha256").update(value).digest("hex");

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
    try {
      await this.client.send(
        new SendMessageCommand({
          QueueUrl: this.queueUrl,
          MessageBody: JSON.stringify(job),
          MessageGroupId: fifoId(job.group),
          MessageDeduplicationId: fifoId(`${job.kind}#${job.dedupeId}`),
        }),
      );
    } catch (err) {
      throw new StoreUnavailableError("enqueue job", err);
    }
  }
}
