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
}

/** An SQS message body parsed as JSON is a job only with a string kind (anything may arrive there). */
export function isJob(value: unknown): value is Job {
  return typeof value === "object" && value !== null && typeof (value as { kind?: unknown }).kind === "string";
}

export interface JobQueue {
  enqueue(job: Job): Promise<void>;
  /** Several jobs at once, in this order (one group's keep it); SQS gets them 10 to a request. */
  enqueueAll(jobs: readonly Job[]): Promise<void>;
}
