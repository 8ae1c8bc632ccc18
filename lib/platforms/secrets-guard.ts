import { serviceUnavailable } from "../http/errors";
import { logger } from "../log";

/**
 * The one place that refuses requests a deployed stage cannot check or serve: every named setting must be set,
 * and valid, else 503 (the platform retries later) and an error log line naming what is missing or invalid. Never
 * the values (a zod message names the rule broken, not the input).
 * Locally (BOT_STAGE=local) the secrets have documented defaults, so this only fails for settings without one.
 */
export function requireSettings(
  values: Readonly<Record<string, unknown>>,
  stage: string,
  platformName: string,
  names: readonly string[],
  invalid: readonly string[] = [],
): void {
  const missing = names.filter((name) => !values[name]);
  if (!missing.length && !invalid.length) return;
  const why = [...(missing.length ? [`${missing.join(", ")} not set`] : []), ...invalid].join("; ");
  logger.error(`${why} on stage "${stage}": refusing ${platformName} requests`);
  throw serviceUnavailable(`${platformName} is not configured on this stage`);
}
