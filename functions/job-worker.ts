import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { currentRuntime } from "../app/runtime";
import { canStartJob, jobDeadline } from "../lib/jobs/budget";
import { processFifoBatch } from "../lib/jobs/fifo-batch";
import { jobHandlers } from "../lib/jobs/handlers";
import { reportUnrun, runSqsRecord } from "../lib/jobs/sqs-record";
import { logger } from "../lib/log";
import { publishMetrics } from "../lib/metrics";

/**
 * The SQS FIFO worker: runs a batch's jobs in order, one conversation (message group) never holding up another:
 * a failure reports that record and its group's later ones, so SQS retries them in order and, after
 * maxReceiveCount, moves them to the dead-letter queue (the last receive is also recorded in the events table,
 * `jobs#dead-letter`). A job starts only while the invocation has time for a whole one; the rest are reported
 * and handed out again, so the worker always answers before its timeout and no finished job is redelivered.
 */
export const handler = async (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> => {
  if (context) logger.addContext(context);
  // Lambda always passes a context; a direct call without one (a test) has no clock to respect.
  const remaining = () => context?.getRemainingTimeInMillis() ?? Infinity;
  try {
    const rt = await currentRuntime();
    return await processFifoBatch(event.Records, {
      canStart: () => canStartJob(remaining()),
      run: (record) => runSqsRecord(rt, jobHandlers, record, jobDeadline(Date.now(), remaining())),
      skipped: (record, reason) => reportUnrun(record, reason),
    });
  } finally {
    logger.resetKeys();
    publishMetrics();
  }
};
