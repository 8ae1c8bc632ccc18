import type { Context, SQSBatchResponse, SQSEvent } from "aws-lambda";
import { logger } from "../log";
import { publishMetrics } from "../metrics";
import type { Runtime } from "../runtime";
import { canStartJob, JOB_BUDGET, jobDeadline, type JobBudget } from "./budget";
import { processFifoBatch } from "./fifo-batch";
import { reportUnrun, runSqsRecord } from "./sqs-record";
import type { JobHandler } from "./worker";

export interface SqsWorkerOptions {
  runtime: () => Promise<Runtime>;
  handlers: Readonly<Record<string, JobHandler>>;
  /** Tests shrink it to run the clock in seconds. */
  budget?: JobBudget;
}

/**
 * The SQS FIFO worker's handler: runs a batch's jobs in order, one conversation (message group) never holding up
 * another: a failure reports that record and its group's later ones, so SQS retries them in order and, after
 * maxReceiveCount, moves them to the dead-letter queue (the last receive is also recorded in the events table,
 * `jobs#dead-letter`). A job starts only while the invocation has time for a whole one; the rest are reported
 * and handed out again, so the worker always answers before its timeout and no finished job is redelivered.
 */
export function sqsWorker({ runtime, handlers, budget = JOB_BUDGET }: SqsWorkerOptions) {
  return async (event: SQSEvent, context?: Context): Promise<SQSBatchResponse> => {
    if (context) logger.addContext(context);
    // Lambda always passes a context; a direct call without one (a test) has no clock to respect.
    const remaining = () => context?.getRemainingTimeInMillis() ?? Infinity;
    try {
      const rt = await runtime();
      return await processFifoBatch(event.Records, {
        canStart: () => canStartJob(budget, remaining()),
        run: (record) => runSqsRecord(rt, handlers, record, jobDeadline(budget, Date.now(), remaining())),
        skipped: (record, reason) => reportUnrun(record, reason),
      });
    } finally {
      logger.resetKeys();
      publishMetrics();
    }
  };
}
