import type { SQSBatchItemFailure, SQSBatchResponse, SQSRecord } from "aws-lambda";

/** Why a record of the batch was reported without being run. */
export type SkipReason = "group-failed" | "no-time";

export interface FifoBatchSteps {
  /** Whether a record may start now: false once too little of the invocation is left for one job. */
  canStart(): boolean;
  /** Runs one record; throwing fails it and every later record of its message group. */
  run(record: SQSRecord): Promise<void>;
  /** A record reported as failed without running (it is received again after the visibility timeout). */
  skipped(record: SQSRecord, reason: SkipReason): void;
}

/**
 * One SQS FIFO batch, in order, isolating conversations: a failure fails only its own message group (later
 * records of that group are reported unrun, so the group's order holds), other groups go on. Once time runs
 * short no record starts: the rest are reported and SQS hands them out again. Powertools'
 * SqsFifoPartialProcessorAsync with skipGroupOnError does the group part; this loop adds the clock and a hook
 * for every unrun record (the worker logs each with its job's keys).
 */
export async function processFifoBatch(records: readonly SQSRecord[], steps: FifoBatchSteps): Promise<SQSBatchResponse> {
  const failedGroups = new Set<string>();
  const failures: SQSBatchItemFailure[] = [];
  let outOfTime = false;
  for (const record of records) {
    const group = record.attributes?.MessageGroupId ?? "";
    const fail = () => failures.push({ itemIdentifier: record.messageId });
    if (failedGroups.has(group) || outOfTime || (outOfTime = !steps.canStart())) {
      fail();
      steps.skipped(record, failedGroups.has(group) ? "group-failed" : "no-time");
      continue;
    }
    try {
      await steps.run(record);
    } catch {
      failedGroups.add(group);
      fail();
    }
  }
  return { batchItemFailures: failures };
}
