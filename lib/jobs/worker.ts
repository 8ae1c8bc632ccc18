import type { Runtime } from "../runtime";
import type { Job } from "./job";

/** How often this job has been received, from 1 (SQS's ApproximateReceiveCount): above 1, an earlier try failed. */
export interface JobDelivery {
  attempt: number;
}

/** What a platform registers to finish its out-of-band work. Throwing makes the queue retry (then dead-letter). */
export type JobHandler = (rt: Runtime, payload: Record<string, unknown>, delivery: JobDelivery) => Promise<void>;

export class UnknownJobError extends Error {
  constructor(kind: string) {
    super(`no handler for job kind "${kind}"`);
    this.name = "UnknownJobError";
  }
}

export async function runJob(rt: Runtime, handlers: Readonly<Record<string, JobHandler>>, job: Job, attempt = 1): Promise<void> {
  const handler = Object.hasOwn(handlers, job.kind) ? handlers[job.kind] : undefined;
  if (!handler) throw new UnknownJobError(job.kind);
  await handler(rt, job.payload, { attempt });
}
