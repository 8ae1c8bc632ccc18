import { logger } from "../log";
import type { Runtime } from "../runtime";
import type { Job } from "./job";

/**
 * A job that failed for good, recorded in the events table (`jobs#dead-letter`) where a person looks
 * first: by the local queue after its last retry, and by the SQS worker on the last receive before
 * SQS moves the message to the dead-letter queue. A job body that was not even JSON is kept as text.
 */
export async function recordDeadLetter(rt: Runtime, job: Job | { body: string }, error: unknown): Promise<void> {
  try {
    // A message body may be any JSON at all (or none): only a job with a string kind is recorded as a job.
    const isJob = typeof job === "object" && job !== null && typeof (job as { kind?: unknown }).kind === "string";
    const platform = isJob ? ((job as Job).kind.split(".")[0] ?? "jobs") : "jobs";
    const data = { job: isJob ? { ...job } : { body: String((job as { body?: unknown })?.body ?? JSON.stringify(job)).slice(0, 4000) }, error: String(error) };
    await rt.events.record({ pk: "jobs#dead-letter", type: "job.dead_letter", platform, data }, rt.clock());
    logger.error("job failed for good: recorded in the events table", { platform, error: String(error) });
  } catch (err) {
    logger.error("dead letter not recorded in the events table", { error: String(err) });
  }
}
