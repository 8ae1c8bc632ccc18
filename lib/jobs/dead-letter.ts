import { logger } from "../log";
import { countMetric } from "../metrics";
import type { Runtime } from "../runtime";
import type { Job } from "./job";
import { DEAD_LETTER_KEY } from "../session/keys";

/**
 * A job that failed for good, recorded in the events table (`jobs#dead-letter`) where a person looks
 * first: by the local queue after its last retry, and by the SQS worker on the last receive before
 * SQS moves the message to the dead-letter queue. A message body that is not a job is kept as text.
 */
export async function recordDeadLetter(rt: Runtime, job: Job | { body: string }, error: unknown): Promise<void> {
  try {
    const platform = "kind" in job ? (job.kind.split(".")[0] ?? "jobs") : "jobs";
    countMetric("DeadLetters", 1, { platform });
    const data = { job: "kind" in job ? { ...job } : { body: job.body.slice(0, 4000) }, error: String(error) };
    await rt.events.record({ pk: DEAD_LETTER_KEY, type: "job.dead_letter", platform, data }, rt.clock());
    logger.error("job failed for good: recorded in the events table", { platform, error: String(error) });
  } catch (err) {
    logger.error("dead letter not recorded in the events table", { error: String(err) });
  }
}
