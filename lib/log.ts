import { Logger } from "@aws-lambda-powertools/logger";

/**
 * One structured JSON logger for every function. Each request adds the Lambda context (cold_start, function_name,
 * function_request_id), resets the temporary keys and appends its correlation id (see lib/http/middlewares.ts),
 * so every line of a turn can be found together.
 * Level: POWERTOOLS_LOG_LEVEL (tests run SILENT). Never pass secrets or raw bodies to it.
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? "onebot" });

let currentId: string | undefined;

/**
 * Starts a unit of work (a request, a job): drops the previous one's temporary keys, puts its correlation id (and
 * `keys`) on every line from now on, and remembers the id, so the jobs it enqueues carry it across the queue.
 */
export function beginCorrelation(correlationId: string, keys: Record<string, unknown> = {}): void {
  logger.resetKeys();
  logger.appendKeys({ correlationId, ...keys });
  currentId = correlationId;
}

/** The correlation id of the unit of work under way (undefined before the first). */
export const currentCorrelationId = (): string | undefined => currentId;
