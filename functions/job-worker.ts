import type { SQSBatchItemFailure, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { jobHandlers } from "../lib/jobs/handlers";
import type { Job } from "../lib/jobs/job";
import { runJob } from "../lib/jobs/worker";
import { logger } from "../lib/log";
import { runtime } from "../lib/runtime";

/**
 * The SQS FIFO worker: runs each job; on a failure reports that message and every later one of the batch
 * as failed (FIFO order within a group must hold), so SQS retries them and, after maxReceiveCount,
 * moves them to the dead-letter queue.
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
    try {
      const job = JSON.parse(record.body) as Job;
      logger.appendKeys({ platform: job.kind.split(".")[0] });
      await runJob(runtime(), jobHandlers, job);
    } catch (err) {
      logger.error("job failed; SQS will retry it", { error: String(err), receiveCount: record.attributes.ApproximateReceiveCount });
      failures.push({ itemIdentifier: record.messageId });
    }
  }
  return { batchItemFailures: failures };
};
