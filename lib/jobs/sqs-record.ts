import type { SQSRecord } from "aws-lambda";
import { beginCorrelation, logger } from "../log";
import type { Runtime } from "../runtime";
import { recordDeadLetter } from "./dead-letter";
import type { SkipReason } from "./fifo-batch";
import { isJob, type Job } from "./job";
import { runJob, type JobHandler } from "./worker";

/** infra/queues.yml's maxReceiveCount: the last try before SQS moves the message to the dead-letter queue. */
export const MAX_RECEIVES = 5;

const receivesOf = (record: SQSRecord) => Number(record.attributes?.ApproximateReceiveCount) || 1;

function parseJob(record: SQSRecord): Job | undefined {
  try {
    const job = JSON.parse(record.body) as unknown;
    return isJob(job) ? job : undefined;
  } catch {
    return undefined;
  }
}

/**
 * Every line about one record carries its job's correlation id (the enqueueing request's; the message id for a
 * job without one), the job kind, the SQS message id and the receive count.
 */
function logKeysFor(record: SQSRecord, job: Job | undefined): void {
  beginCorrelation(job?.correlationId ?? record.messageId, {
    messageId: record.messageId,
    receiveCount: receivesOf(record),
    ...(job ? { jobKind: job.kind, platform: job.kind.split(".")[0] } : {}),
  });
}

/** Runs the job of one SQS record by `deadline`; throws (after logging) when SQS should receive it again. */
export async function runSqsRecord(rt: Runtime, handlers: Readonly<Record<string, JobHandler>>, record: SQSRecord, deadline: number): Promise<void> {
  const job = parseJob(record);
  logKeysFor(record, job);
  try {
    if (!job) throw new Error("message body is not a job (JSON with a string kind)");
    await runJob(rt, handlers, job, receivesOf(record), deadline);
  } catch (err) {
    logger.error("job failed; SQS will retry it", { error: String(err) });
    if (receivesOf(record) >= MAX_RECEIVES) await recordDeadLetter(rt, job ?? { body: record.body }, err);
    throw err;
  }
}

/**
 * A record reported without running. Only a job that ran and failed is recorded as a dead letter: one left
 * unrun on its last receive still reaches the dead-letter queue, where a person redrives it with the others.
 */
export function reportUnrun(record: SQSRecord, reason: SkipReason): void {
  logKeysFor(record, parseJob(record));
  const why = reason === "no-time" ? "too little of the invocation left to start it" : "an earlier job of its conversation failed in this batch";
  logger.warn("job not run; SQS will hand it out again", { reason: why });
}
