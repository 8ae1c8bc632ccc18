import { Logger } from "@aws-lambda-powertools/logger";

/**
 * One structured JSON logger for every function. Each request adds the Lambda context (cold_start, function_name,
 * function_request_id), resets the temporary keys and appends its correlation id (see lib/http/middlewares.ts),
 * so every line of a turn can be found together.
 * Level: POWERTOOLS_LOG_LEVEL (tests run SILENT). Never pass secrets or raw bodies to it.
 */
export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? "onebot" });
