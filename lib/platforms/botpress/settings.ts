/**
 * Botpress' own settings slice, read from the environment here rather than in lib/config.ts, so the platform
 * stays one folder (docs/platforms/botpress.md §7). Like every other secret: documented local defaults on
 * BOT_STAGE=local only; a deployed stage with one missing answers 503 and logs which, never lets a request in.
 */
import * as z from "zod/mini";
import "../../zod-locale";
import { serviceUnavailable } from "../../http/errors";
import { logger } from "../../log";

export const BOTPRESS_LOCAL_DEFAULTS = {
  BOTPRESS_BOT_ID: "onebot",
  BOTPRESS_EMAIL: "local@example.com",
  BOTPRESS_PASSWORD: "local-botpress-password",
} as const;

/** A JWT secret shorter than this is refused: it would be guessable offline from one captured token. */
export const MIN_JWT_SECRET_LENGTH = 32;

const optionalText = z.optional(z.string().check(z.minLength(1)));

const Schema = z.object({
  BOT_STAGE: z._default(z.string(), "unset"),
  BOTPRESS_BOT_ID: optionalText,
  BOTPRESS_EMAIL: optionalText,
  BOTPRESS_PASSWORD: optionalText,
  /** Optional: signs the JWTs. Unset = a key derived from the password (§4 of the doc says why). */
  BOTPRESS_JWT_SECRET: z.optional(z.string().check(z.minLength(MIN_JWT_SECRET_LENGTH, { error: `must be at least ${MIN_JWT_SECRET_LENGTH} characters` }))),
  /** Business Messenger waits for the converse answer: v12's own converse timeout is 5 s. */
  BOTPRESS_REPLY_BUDGET_MS: z._default(z.coerce.number().check(z.int(), z.positive()), 5_000),
});

export type BotpressSettings = Omit<z.infer<typeof Schema>, "BOT_STAGE"> & {
  stage: string;
  /** What makes the settings unusable (an invalid value): the guard answers 503 naming it. */
  invalid: string[];
};

/** The settings a request needs, all present. */
export interface BotpressConfig {
  botId: string;
  email: string;
  password: string;
  jwtSecret?: string;
  replyBudgetMs: number;
}

const NAMES = ["BOT_STAGE", "BOTPRESS_BOT_ID", "BOTPRESS_EMAIL", "BOTPRESS_PASSWORD", "BOTPRESS_JWT_SECRET", "BOTPRESS_REPLY_BUDGET_MS"] as const;

/** Never throws: an invalid value is reported in `invalid` (the guard refuses with 503), not as a 500. */
export function readBotpressSettings(env: NodeJS.ProcessEnv = process.env): BotpressSettings {
  // Serverless writes unset stage params as empty strings: treat them as unset.
  const picked = Object.fromEntries(NAMES.map((name) => [name, env[name] === "" ? undefined : env[name]]));
  const parsed = Schema.safeParse(picked);
  const data = parsed.success ? parsed.data : Schema.parse({ BOT_STAGE: picked.BOT_STAGE });
  const invalid = parsed.success ? [] : parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
  const { BOT_STAGE: stage, ...rest } = data;
  const settings: BotpressSettings = { ...rest, stage, invalid };
  if (stage === "local") {
    settings.BOTPRESS_BOT_ID ??= BOTPRESS_LOCAL_DEFAULTS.BOTPRESS_BOT_ID;
    settings.BOTPRESS_EMAIL ??= BOTPRESS_LOCAL_DEFAULTS.BOTPRESS_EMAIL;
    settings.BOTPRESS_PASSWORD ??= BOTPRESS_LOCAL_DEFAULTS.BOTPRESS_PASSWORD;
  }
  return settings;
}

let cached: BotpressSettings | undefined;

/** This process' settings, read on first use and kept for the warm Lambda. */
export function botpressSettings(): BotpressSettings {
  cached ??= readBotpressSettings();
  return cached;
}

/** The settings, or 503 with a log line naming what is missing or invalid (never a request let in). */
export function requireBotpress(settings: BotpressSettings): BotpressConfig {
  const { BOTPRESS_BOT_ID: botId, BOTPRESS_EMAIL: email, BOTPRESS_PASSWORD: password } = settings;
  const missing = [!botId && "BOTPRESS_BOT_ID", !email && "BOTPRESS_EMAIL", !password && "BOTPRESS_PASSWORD"].filter(Boolean);
  if (settings.invalid.length || missing.length || !botId || !email || !password) {
    const why = [...(missing.length ? [`${missing.join(", ")} not set`] : []), ...settings.invalid].join("; ");
    logger.error(`Botpress is not configured on stage "${settings.stage}" (${why}): refusing Botpress requests`);
    throw serviceUnavailable("Botpress is not configured on this stage");
  }
  return {
    botId,
    email,
    password,
    replyBudgetMs: settings.BOTPRESS_REPLY_BUDGET_MS,
    ...(settings.BOTPRESS_JWT_SECRET ? { jwtSecret: settings.BOTPRESS_JWT_SECRET } : {}),
  };
}
