import * as z from "zod";
import "./zod-locale";

/**
 * Settings, read once from the environment and validated with zod.
 * `BOT_STAGE=local` (set by `npm start` and the tests) enables documented local defaults for secrets;
 * any other stage runs without defaults, so a missing secret rejects requests instead of opening the door.
 */
const LOCAL_SECRETS = {
  BM_SIGNATURE_KEY: "local-bm-signature-key",
  ENGAGE_API_TOKEN: "local-engage-api-token",
  KOMMUNICATE_WEBHOOK_SECRET: "local-kommunicate-webhook-secret",
  TWOWAY_WEBHOOK_SECRET: "local-twoway-webhook-secret",
  CM_PRODUCT_TOKEN: "00000000-0000-0000-0000-000000000000",
} as const;

const intFrom = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const Settings = z.object({
  BOT_STAGE: z.string().default("unset"),
  SESSIONS_TABLE: z.string().min(1).default("onebot-local-sessions"),
  EVENTS_TABLE: z.string().min(1).default("onebot-local-events"),
  BM_SIGNATURE_KEY: z.string().optional(),
  BM_SIGNATURE_ENCODING: z.enum(["base64", "hex-base64"]).default("base64"),
  /** The field name BM documents as `composeMessage.test` (probably meant `text`). */
  BM_COMPOSE_TEXT_FIELD: z.string().min(1).default("test"),
  ENGAGE_API_TOKEN: z.string().optional(),
  /** Input keys that name the conversation of an Engage call, first present wins; none = a stateless call. */
  ENGAGE_CONVERSATION_KEYS: z
    .string()
    .default("sessionId,conversationId,userId")
    .transform((v) => v.split(",").map((k) => k.trim()).filter(Boolean)),
  KOMMUNICATE_WEBHOOK_HEADER: z.string().min(1).default("x-webhook-secret"),
  KOMMUNICATE_WEBHOOK_SECRET: z.string().optional(),
  /** Answer Kommunicate within this budget (its timeout is 30 s, API Gateway's 29 s); later, a holding message. */
  KOMMUNICATE_REPLY_BUDGET_MS: intFrom(20_000),
  KOMMUNICATE_HOLDING_MESSAGE: z.string().min(1).default("One moment please, I'm still working on your answer."),
  /** Optional: Kommunicate's Platform API, to push late answers into the conversation. */
  KOMMUNICATE_API_KEY: z.string().optional(),
  KOMMUNICATE_API_BASE: z.url().default("https://services.kommunicate.io"),
  TWOWAY_WEBHOOK_SECRET: z.string().optional(),
  /** The TwoWay adapter's outbound URL, copied from CM's adapter list (…/{technicalLinkId}/adapters/{adapterId}). */
  TWOWAY_OUTBOUND_URL: z.url().optional(),
  CM_PRODUCT_TOKEN: z.string().optional(),
  /** Waits before the 2nd, 3rd … POST to CM after a 429/5xx/timeout; then the job queue retries the whole job. */
  TWOWAY_RETRY_DELAYS_MS: z
    .string()
    .default("500,2000")
    .transform((v) => v.split(",").map((n) => Number(n.trim())))
    .refine((list) => list.every((n) => Number.isInteger(n) && n >= 0), "must be comma-separated milliseconds"),
  /** Routing control (the bot's own handover): base URL and the adapter ids of the ruleset's rules to flip. */
  TWOWAY_CONTROL_URL: z.url().default("https://api.conversational.cm.com/conversational/control/v1"),
  TWOWAY_CHANNEL_ADAPTER_ID: z.string().optional(),
  TWOWAY_BOT_ADAPTER_ID: z.string().optional(),
  TWOWAY_AGENT_ADAPTER_ID: z.string().optional(),
  /** LivePerson as the human side of a handover (configured when account, client id and secret are set). */
  LP_ACCOUNT_ID: z.string().optional(),
  LP_CLIENT_ID: z.string().optional(),
  LP_CLIENT_SECRET: z.string().optional(),
  LP_SKILL_ID: z.string().optional(),
  LP_CSDS_URL: z.url().default("https://api.liveperson.net"),
  /** The webhook signature LP is set to send: `sha1`/`base64` unless the account was switched. Never chosen by the request. */
  LP_SIGNATURE_ALGORITHM: z.enum(["sha1", "sha256"]).default("sha1"),
  LP_SIGNATURE_ENCODING: z.enum(["base64", "hex"]).default("base64"),
  /** A LivePerson conversation with no message either way for this long is closed and the bot takes over again. */
  LP_IDLE_TIMEOUT_MINUTES: intFrom(60),
  /** AI responder: any OpenAI-compatible chat completions API (`${AI_BASE_URL}/chat/completions`); off when unset. */
  AI_BASE_URL: z.url().optional(),
  AI_API_KEY: z.string().optional(),
  AI_MODEL: z.string().min(1).default("gpt-4o-mini"),
  AI_INSTRUCTIONS: z.string().default("You are the assistant of ACME Bank. Answer briefly and politely. Never ask for passwords or card numbers."),
  /** User turns of the session's history resent with each request. */
  AI_HISTORY: z.coerce.number().int().min(0).max(20).default(6),
  AI_MAX_TOKENS: intFrom(300),
  AI_TEMPERATURE: z.coerce.number().min(0).max(2).default(0.3),
  /** Upper bound of one AI answer; the platform's own budget may cut it shorter. */
  AI_TIMEOUT_MS: intFrom(15_000),
  AI_FALLBACK_MESSAGE: z.string().min(1).default("Sorry, I can't answer that right now. You can choose one of the options or ask for an agent."),
  /** Business Messenger waits for the answer in its HTTP request: reply within this (notes: 5 s, configurable). */
  BM_REPLY_BUDGET_MS: intFrom(5_000),
  /** The deployed job queue (SQS FIFO). */
  JOBS_QUEUE_URL: z.string().optional(),
  /** Stage "local" only: npm start's loopback stand-in of that queue (scripts/local-sqs.ts). */
  LOCAL_JOBS_QUEUE_URL: z.url().optional(),
  /** How long the bot stays silent after a handover on platforms without a hand-back signal. */
  HANDOVER_QUIET_MINUTES: intFrom(30),
  SESSION_TTL_DAYS: intFrom(30),
  DEDUPE_TTL_HOURS: intFrom(24),
  EVENTS_TTL_DAYS: intFrom(30),
  /** Optimistic-concurrency reruns of one turn before answering 503 (the platform retries). */
  MAX_TURN_ATTEMPTS: intFrom(40),
});

export type Settings = z.infer<typeof Settings> & { isLocal: boolean };
export type SecretName = keyof typeof LOCAL_SECRETS;

export class ConfigError extends Error {}

let cached: Settings | undefined;

export function readSettings(env: NodeJS.ProcessEnv = process.env): Settings {
  const parsed = Settings.safeParse(blankToUndefined(env));
  if (!parsed.success) {
    const names = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new ConfigError(`invalid settings: ${names}`);
  }
  const isLocal = parsed.data.BOT_STAGE === "local";
  const withDefaults = { ...parsed.data, isLocal };
  if (isLocal) {
    for (const [name, value] of Object.entries(LOCAL_SECRETS)) {
      withDefaults[name as SecretName] ??= value;
    }
  }
  return withDefaults;
}

/** Settings of this process (read on first use, then cached for the warm Lambda). */
export function settings(): Settings {
  cached ??= readSettings();
  return cached;
}

export const localSecrets: Readonly<Record<SecretName, string>> = LOCAL_SECRETS;

/** Serverless writes unset stage params as empty strings: treat them as unset. */
function blankToUndefined(env: NodeJS.ProcessEnv): Record<string, string | undefined> {
  return Object.fromEntries(Object.entries(env).map(([k, v]) => [k, v === "" ? undefined : v]));
}
