import { HttpError } from "../http/errors";
import { currentCorrelationId } from "../log";
/**
 * Work finished out of band: a late Kommunicate reply today, TwoWay and LivePerson deliveries next.
 * Jobs of one `group` run in order (an SQS FIFO message group per conversation); `dedupeId` makes a
 * re-enqueue of the same work a no-op within the queue's deduplication window.
 */
export interface Job {
  kind: string;
  /** Serialisation group: a conversation key such as `kommunicate#<groupId>`. */
  group: string;
  /** Same id, same work: e.g. the platform's message id. */
  dedupeId: string;
  payload: Record<string, unknown>;
  /** The correlation id of the request that enqueued it (filled at enqueue): the worker logs the job with it. */
  correlationId?: string;
}

/** The job as queued: stamped with the enqueueing request's correlation id unless it has one. */
export function stampCorrelation(job: Job): Job {
  if (job.correlationId) return job;
  const correlationId = currentCorrelationId();
  return correlationId ? { ...job, correlationId } : job;
}

/** An SQS message body parsed as JSON is a job only with a string kind (anything may arrive there). */
export function isJob(value: unknown): value is Job {
  return typeof value === "object" && value !== null && typeof (value as { kind?: unknown }).kind === "string";
}

/** SQS's largest message (MaximumMessageSize, body and attributes; ours have no attributes). */
export const MAX_JOB_BYTES = 262_144;

/**
 * A job SQS cannot take would fail the webhook with 503 on every redelivery: refuse it (413) before anything
 * of the request is queued, naming the limit. Every queue checks all its jobs first, the in-process one too.
 */
export function assertJobsFit(jobs: readonly Job[]): void {
  jobBodies(jobs);
}

/** Each job as the JSON body a queue sends, every one checked against MAX_JOB_BYTES (413) before any is returned. */
export function jobBodies(jobs: readonly Job[]): string[] {
  return jobs.map((job) => {
    const body = JSON.stringify(stampCorrelation(job));
    const bytes = Buffer.byteLength(body, "utf8");
    if (bytes > MAX_JOB_BYTES) {
      throw new HttpError(413, `a message of this request makes a ${bytes}-byte job; the job queue takes at most ${MAX_JOB_BYTES} bytes`);
    }
    return body;
  });
}

export interface JobQueue {
  enqueue(job: Job): Promise<void>;
  /** Several jobs at once, in this order (one group's keep it); SQS gets them 10 to a request. */
  enqueueAll(jobs: readonly Job[]): Promise<void>;
}
