import { logger } from "../log";

/**
 * The correlation id of the request that is enqueueing, read from the logger: a job carries it across the
 * queue, so the worker's lines of that job are found with the webhook's. Powertools exposes only the id set
 * through `setCorrelationId` (its `correlation_id` key); without one the job goes without, and the worker
 * falls back to the SQS message id.
 */
export function currentCorrelationId(): string | undefined {
  const id = logger.getCorrelationId();
  return typeof id === "string" && id ? id : undefined;
}
