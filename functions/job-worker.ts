import type { SQSBatchItemFailure, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { appRuntime } from "../app/runtime";
import { recordDeadLetter } from "../lib/jobs/dead-letter";
import { jobHandlers } from "../lib/jobs/handlers";
import { isJob } from "../lib/jobs/job";
import { runJob } from "../lib/jobs/worker";
import { logger } from "../lib/log";

/** infra/queues.yml's maxReceiveCount: the last try before SQS moves the message to the dead-letter queue. */
const MAX_RECEIVES = 5;

/**
 * The SQS FIFO worker: runs each job; on a failure reports that message and every later one of the batch
 * as failed (FIFO order within a group must hold), so SQS retries them and, after maxReceiveCount,
 * moves them to the dead-letter queue. The last failure is also recorded in the events table
 * (`jobs#dead-letter`), next to the session it belongs to, where a person looks first.
 */
export const handler = async (event: SQSEvent): Promise<SQSBatchResponse> => {
  const failures: SQSBatchItemFailure[] = [];
  for (const record of event.Records) {
    if (failures.length) {
      failures.push({ itemIdentifier: record.messageId });
      continue;
    }
    logger.resetKeys();
    logger.appendKeys({ correlationId: record.messageId });
    let job: unknown;
    try {
      job = JSON.parse(record.body);
      if (!isJob(job)) throw new Error("message body is not a job (JSON with a string kind)");
      logger.appendKeys({ platform: job.kind.split(".")[0] });
      await runJob(appRuntime(), jobHandlers, job, Number(record.attributes.ApproximateReceiveCount) || 1);
    } catch (err) {
      const receives = Number(record.attributes.ApproximateReceiveCount);
      logger.error("job failed; SQS will retry it", { error: String(err), receiveCount: receives });
      failures.push({ itemIdentifier: record.messageId });
      if (receives >= MAX_RECEIVES) await recordDeadLetter(appRuntime(), isJob(job) ? job : { body: record.body }, err);
    }
  }
  return { batchItemFailures: failures };
};
