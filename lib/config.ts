import * as z from "zod/mini";
import "./zod-locale";

/**
 * The core settings (stage, tables, AI, jobs, TTLs), read once from the environment and validated with zod.
 * Each platform reads its own slice of the same environment (its `settings.ts`, lib/platforms/platform-settings.ts),
 * with its secrets' local defaults: `BOT_STAGE=local` (set by `npm start` and the tests) enables them outside AWS
 * Lambda only; any other stage, and every deployed function, runs without defaults, so a missing secret rejects
 * requests instead of opening the door. Deployed functions read their platform's settings from Secrets Manager at
 * run time (lib/deployment/stage-secrets.ts): the environment only names those secrets.
 */
/** A positive whole number from its text, with a default (shared with the platforms' slices). */
export const intFrom = (fallback: number) => z._default(z.coerce.number().check(z.int(), z.positive()), fallback);

const Settings = z.object({
  BOT_STAGE: z._default(z.string(), "unset"),
  SESSIONS_TABLE: z._default(z.string().check(z.minLength(1)), "onebot-local-sessions"),
  EVENTS_TABLE: z._default(z.string().check(z.minLength(1)), "onebot-local-events"),
  /** AI responder: any OpenAI-compatible chat completions API (`${AI_BASE_URL}/chat/completions`); off when unset. */
  AI_BASE_URL: z.optional(z.url()),
  AI_API_KEY: z.optional(z.string()),
  AI_MODEL: z._default(z.string().check(z.minLength(1)), "gpt-4o-mini"),
  AI_INSTRUCTIONS: z._default(z.string(), "You are the assistant of ACME Bank. Answer briefly and politely. Never ask for passwords or card numbers."),
  /** User turns of the session's history resent with each request. */
  AI_HISTORY: z._default(z.coerce.number().check(z.int(), z.minimum(0), z.maximum(20)), 6),
  AI_MAX_TOKENS: intFrom(300),
  AI_TEMPERATURE: z._default(z.coerce.number().check(z.minimum(0), z.maximum(2)), 0.3),
  /** Upper bound of one AI answer; the platform's own budget may cut it shorter. */
  AI_TIMEOUT_MS: intFrom(15_000),
  AI_FALLBACK_MESSAGE: z._default(z.string().check(z.minLength(1)), "Sorry, I can't answer that right now. You can choose one of the options or ask for an agent."),
  /** The deployed job queue (SQS FIFO). */
  JOBS_QUEUE_URL: z.optional(z.string()),
  /** Stage "local" only: npm start's loopback stand-in of that queue (scripts/local-sqs.ts). */
  LOCAL_JOBS_QUEUE_URL: z.optional(z.url()),
  /** How long the bot stays silent after a handover on platforms without a hand-back signal. */
  HANDOVER_QUIET_MINUTES: intFrom(30),
  SESSION_TTL_DAYS: intFrom(30),
  DEDUPE_TTL_HOURS: intFrom(24),
  EVENTS_TTL_DAYS: intFrom(30),
  /** Optimistic-concurrency reruns of one turn before answering 503 (the platform retries). */
  MAX_TURN_ATTEMPTS: intFrom(40),
});

export type Settings = z.infer<typeof Settings> & { isLocal: boolean };

/** The AI responder's settings: on a deployed stage they live in its `ai` secret (lib/deployment/stage-secrets.ts). */
export const AI_SETTING_NAMES: readonly string[] = Object.keys(Settings.shape).filter((name) => name.startsWith("AI_"));
/** The core settings that are not the AI's: a deployment's environment sets them, a stage secret may not override them. */
export const CORE_SETTING_NAMES: readonly string[] = Object.keys(Settings.shape).filter((name) => !name.startsWith("AI_"));

/**
 * A function running in AWS Lambda: AWS sets AWS_EXECUTION_ENV (a reserved variable no configuration can set), and
 * serverless-offline, which imitates Lambda for `npm start`, marks its handlers with IS_OFFLINE. Local defaults of
 * secrets never apply there, whatever the stage is called: `serverless deploy --stage local` gets none.
 */
export function isDeployedLambda(env: Readonly<Record<string, string | undefined>>): boolean {
  return (env.AWS_EXECUTION_ENV ?? "").startsWith("AWS_Lambda_") && env.IS_OFFLINE !== "true";
}

export class ConfigError extends Error {}

let cached: Settings | undefined;

export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const parsed = Settings.safeParse(blankToUndefined(env));
  if (!parsed.success) {
    const names = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new ConfigError(`invalid settings: ${names}`);
  }
  return { ...parsed.data, isLocal: parsed.data.BOT_STAGE === "local" && !isDeployedLambda(env) };
}

/** Settings of this process (read on first use, then cached for the warm Lambda). */
export function settings(): Settings {
  cached ??= readSettings();
  return cached;
}

/** An empty value (an empty variable, or "" in a stage secret) counts as unset. */
function blankToUndefined(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === "" ? undefined : v]));
}
