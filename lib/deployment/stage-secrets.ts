import { AI_SETTING_NAMES } from "../config";
import type { Platform } from "../platforms/platform";
import { platforms } from "../platforms/registry";

/**
 * Which settings a deployed stage keeps in AWS Secrets Manager, and which function may read which. One secret per
 * platform and stage, `<service>/<stage>/<platform id>` (e.g. `onebot/prod/twoway`), plus `<service>/<stage>/ai`;
 * its SecretString is a JSON object of setting names to values, e.g. {"TWOWAY_WEBHOOK_SECRET": "…"}. Functions read
 * theirs at run time (lib/deployment/secrets.ts), so no value is ever in the template or the code, and a rotated
 * value takes effect within the cache's TTL without a redeploy. Read by infra/functions.js (each function's
 * ONEBOT_SECRETS and IAM), `npm run secrets` and the tests; never by a function.
 */
export const AI_SECRET = "ai";

export const secretIds: readonly string[] = [...platforms.map((platform) => platform.id), AI_SECRET];

/** The setting names a secret may hold: its platform's settings slice, or the AI responder's settings. */
export function secretKeys(id: string): readonly string[] {
  if (id === AI_SECRET) return AI_SETTING_NAMES;
  const platform = platforms.find((p) => p.id === id);
  if (!platform) throw new Error(`no secret "${id}": the secrets are ${secretIds.join(", ")}`);
  return platform.settings.names;
}

export const secretName = (service: string, stage: string, id: string): string => `${service}/${stage}/${id}`;

/** A channel runs turns, so it may answer with AI; a desk (LivePerson) only relays. */
const runsTurns = (platform: Platform) => platform.role === "channel";

/** The secrets an endpoint function reads: its own platform's, and the AI's when it runs turns. */
export function secretsOfEndpoint(platform: Platform): string[] {
  return runsTurns(platform) ? [platform.id, AI_SECRET] : [platform.id];
}

/** The job worker runs every platform's jobs and relays (late AI answers too): those platforms' secrets and the AI's. */
export function secretsOfWorker(): string[] {
  return [...platforms.filter((p) => p.jobKinds?.length || p.outOfBand).map((p) => p.id), AI_SECRET];
}
