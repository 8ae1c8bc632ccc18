import { serviceUnavailable } from "../http/errors";
import { logger } from "../log";
import type { Runtime } from "../runtime";
import type { SettingName } from "./platform";

/**
 * The one place that refuses requests a deployed stage cannot check or serve: every named setting must be set,
 * else 503 (the platform retries later) and an error log line naming what is missing. Never the values.
 * Locally (BOT_STAGE=local) the secrets have documented defaults, so this only fails for settings without one.
 */
export function requireSettings(rt: Runtime, platformName: string, names: readonly SettingName[]): void {
  const missing = names.filter((name) => !rt.settings[name]);
  if (!missing.length) return;
  logger.error(`${missing.join(", ")} not set on stage "${rt.settings.BOT_STAGE}": refusing ${platformName} requests`);
  throw serviceUnavailable(`${platformName} is not configured on this stage`);
}
