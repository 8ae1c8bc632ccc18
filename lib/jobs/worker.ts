import { logger } from "../log";
import type { Runtime } from "../runtime";
import { jobDoneKey } from "../session/keys";
import { withJobDeadline } from "./deadline";
import type { Job } from "./job";

/** How often this job has been received, from 1 (SQS's ApproximateReceiveCount): above 1, an earlier try failed. */
export interface JobDelivery {
  attempt: number;
  /** Epoch ms by which the job must have finished (its network calls are cut to it: ./deadline.ts). */
  deadline?: number;
}

/** What a platform registers to finish its out-of-band work. Throwing makes the queue retry (then dead-letter). */
export type JobHandler = (rt: Runtime, payload: Record<string, unknown>, delivery: JobDelivery) => Promise<void>;

export class UnknownJobError extends Error {
  constructor(kind: string) {
    super(`no handler for job kind "${kind}"`);
    this.name = "UnknownJobError";
  }
}

/**
 * Runs a job once: a finished job leaves a completion record in the events table, and a redelivery of it (SQS
 * after a timed-out batch, the same message queued again) finds the record and sends nothing. A job that fails
 * part way resumes through the progress records of its steps (the platforms' job files).
 */
export async function runJob(rt: Runtime, handlers: Readonly<Record<string, JobHandler>>, job: Job, attempt = 1, deadline = Infinity): Promise<void> {
  const handler = Object.hasOwn(handlers, job.kind) ? handlers[job.kind] : undefined;
  if (!handler) throw new UnknownJobError(job.kind);
  const done = jobDoneKey(job.kind, String(job.group), String(job.dedupeId));
  if ((await rt.events.deliveredParts(done)) > 0) {
    logger.info("job already done: redelivered, nothing sent again");
    return;
  }
  await withJobDeadline(deadline, () => handler(rt, job.payload, { attempt, ...(deadline < Infinity ? { deadline } : {}) }));
  // Not thrown: the work is done, and a retry would only send it again.
  await rt.events.markDelivered(done, 1, rt.clock()).catch((err: unknown) => logger.error("job done, but its completion not recorded", { error: String(err) }));
}
