import { GetSecretValueCommand, SecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { CORE_SETTING_NAMES, isDeployedLambda } from "../config";
import { logger } from "../log";

/**
 * A deployed function's settings from AWS Secrets Manager, read at run time (see lib/deployment/stage-secrets.ts
 * for the names): ONEBOT_SECRETS lists this function's secrets (`bm,ai`), ONEBOT_SECRETS_PREFIX their path
 * (`onebot/prod/`). Each value is kept for ONEBOT_SECRETS_TTL_SECONDS (default 300), so a rotated secret takes
 * effect within that, with no redeploy, and a warm function calls Secrets Manager at most once per TTL per secret.
 *
 * Chosen by measurement (a DynamoDB-only bundle of 342 KB): the Secrets Manager client adds 14 KB, where the SSM
 * client adds 79 KB (its schema covers the whole SSM API), so the settings live in Secrets Manager, one secret per
 * platform, and each function's role may read only its own. The cache is ours (a map of value and expiry):
 * Powertools Parameters' SecretsProvider did the same for 2 KB of every bundle (measured; issue 16, lean bundles).
 *
 * Never throws: a secret that is missing, unreadable or not a JSON object of strings is logged by name (never
 * its value) and left out, so its settings stay unset and the secrets guard answers 503 naming them. A value read
 * once stays in use when a later refresh fails (Secrets Manager briefly unreachable).
 */
const DEFAULT_TTL_SECONDS = 300;
/** What a secret may not set: the deployment's own environment (tables, stage, queue) and the platform's variables. */
const RESERVED = new Set(CORE_SETTING_NAMES);
const RESERVED_PREFIXES = ["AWS_", "ONEBOT_", "POWERTOOLS_", "LAMBDA_", "NODE_", "_"];
const SETTING_NAME = /^[A-Z][A-Z0-9_]*$/;

export interface StageSecretsSource {
  ids: string[];
  prefix: string;
  ttlSeconds: number;
}

/** The secrets this function reads, when it is a deployed function that has any; else undefined (local: the environment). */
export function stageSecretsOf(env: Readonly<Record<string, string | undefined>>): StageSecretsSource | undefined {
  const ids = (env.ONEBOT_SECRETS ?? "").split(",").map((id) => id.trim()).filter(Boolean);
  if (!ids.length || !env.ONEBOT_SECRETS_PREFIX || !isDeployedLambda(env)) return undefined;
  const ttl = Number(env.ONEBOT_SECRETS_TTL_SECONDS);
  return { ids, prefix: env.ONEBOT_SECRETS_PREFIX, ttlSeconds: Number.isInteger(ttl) && ttl >= 0 ? ttl : DEFAULT_TTL_SECONDS };
}

let client: SecretsManagerClient | undefined;
/**
 * Per secret: until when it is not asked for again (the TTL, after a read and after a failed one alike: a stage
 * without AI has no `ai` secret, every request), and the value last read with its settings, so an unchanged value
 * is parsed (and its oddities logged) once and a failed refresh keeps it.
 */
const cache = new Map<string, { until: number; last?: { text: unknown; settings: Record<string, string> } }>();
/** The last merge and its parts: the same object again while no secret changed (the runtime is kept by identity). */
let merged: { parts: Record<string, string>[]; values: Record<string, string> } | undefined;

/** Every setting of this function's secrets, merged in ONEBOT_SECRETS's order: the same object until one changes. */
export async function readStageSecrets(source: StageSecretsSource): Promise<Readonly<Record<string, string>>> {
  client ??= new SecretsManagerClient({ maxAttempts: 3 });
  const parts = await Promise.all(source.ids.map((id) => readOne(client!, source.prefix + id, source.ttlSeconds)));
  if (!merged || parts.length !== merged.parts.length || parts.some((part, i) => part !== merged!.parts[i])) {
    merged = { parts, values: Object.assign({}, ...parts) as Record<string, string> };
  }
  return merged.values;
}

/** The secret's settings: those kept while its TTL runs, else from a GetSecretValue (SecretString, or SecretBinary's bytes). */
async function readOne(secrets: SecretsManagerClient, name: string, maxAge: number): Promise<Record<string, string>> {
  const entry = cache.get(name);
  if (entry && entry.until > Date.now()) return entry.last?.settings ?? NONE;
  let text: unknown;
  try {
    const out = await secrets.send(new GetSecretValueCommand({ SecretId: name }));
    text = out.SecretString ?? out.SecretBinary;
  } catch (err) {
    const kept = entry?.last;
    cache.set(name, { until: Date.now() + maxAge * 1000, last: kept });
    // The SDK's error names what happened (ResourceNotFoundException, AccessDeniedException…).
    const why = errorName(err) ?? "Error";
    if (kept) {
      logger.warn(`secret ${name} could not be refreshed (${why}): keeping the value read before`);
      return kept.settings;
    }
    // Not there is a choice (a platform or the AI not used on this stage): the guard logs an error if it was needed.
    const log = why === "ResourceNotFoundException" ? logger.info.bind(logger) : logger.error.bind(logger);
    log(`secret ${name} could not be read (${why}): its settings stay unset`);
    return NONE;
  }
  const last = entry?.last && entry.last.text === text ? entry.last : { text, settings: settingsOf(name, text) };
  cache.set(name, { until: Date.now() + maxAge * 1000, last });
  return last.settings;
}

/** No settings: one shared object, so a missing secret does not look like a change on every request. */
const NONE: Record<string, string> = Object.freeze({}) as Record<string, string>;

/** The secret's JSON object of setting names to strings; what else it holds is logged (by name) and dropped. */
function settingsOf(name: string, text: unknown): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = typeof text === "string" ? JSON.parse(text) : undefined;
  } catch {
    parsed = undefined;
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) {
    logger.error(`secret ${name} is not a JSON object of setting names to values: its settings stay unset`);
    return {};
  }
  const settings: Record<string, string> = {};
  for (const [key, value] of Object.entries(parsed)) {
    const reserved = !SETTING_NAME.test(key) || RESERVED.has(key) || RESERVED_PREFIXES.some((p) => key.startsWith(p));
    if (reserved || typeof value !== "string") logger.warn(`secret ${name}: ${key} ignored (${reserved ? "not a setting a secret may hold" : "not a string"})`);
    else settings[key] = value;
  }
  return settings;
}

const errorName = (err: unknown): string | undefined => (err instanceof Error ? err.name : undefined);
