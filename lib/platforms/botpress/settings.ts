/**
 * Botpress' own settings slice (lib/platforms/platform-settings.ts), so the platform stays one folder
 * (docs/platforms/botpress.md §7). Like every other secret: documented local defaults on BOT_STAGE=local only; a
 * deployed stage with one missing answers 503 and logs which, never lets a request in.
 */
import * as z from "zod/mini";
import { defineSettings, intFrom, type SettingsSource } from "../platform-settings";
import { requireSettings } from "../secrets-guard";

export const BOTPRESS_LOCAL_DEFAULTS = {
  BOTPRESS_BOT_ID: "onebot",
  BOTPRESS_EMAIL: "local@example.com",
  BOTPRESS_PASSWORD: "local-botpress-password",
} as const;

/** A JWT secret shorter than this is refused: it would be guessable offline from one captured token. */
const MIN_JWT_SECRET_LENGTH = 32;

const optionalText = z.optional(z.string().check(z.minLength(1)));

const BotpressSettingsSchema = z.object({
  BOTPRESS_BOT_ID: optionalText,
  BOTPRESS_EMAIL: optionalText,
  BOTPRESS_PASSWORD: optionalText,
  /** Optional: signs the JWTs. Unset = a key derived from the password (§4 of the doc says why). */
  BOTPRESS_JWT_SECRET: z.optional(z.string().check(z.minLength(MIN_JWT_SECRET_LENGTH, { error: `must be at least ${MIN_JWT_SECRET_LENGTH} characters` }))),
  /** Business Messenger waits for the converse answer: v12's own converse timeout is 5 s. */
  BOTPRESS_REPLY_BUDGET_MS: intFrom(5_000),
});

const slice = defineSettings(BotpressSettingsSchema, BOTPRESS_LOCAL_DEFAULTS);

/** The slice, with the stage it was read for and what makes it unusable (`invalid`: the guard answers 503 naming it). */
export type BotpressSettings = ReturnType<typeof slice.read> & { stage: string };

/** The runtime's Botpress settings (read once per runtime, from the environment it was made from). */
export const botpressSettings = Object.assign((rt: SettingsSource): BotpressSettings => ({ ...slice.read(rt), stage: rt.env.BOT_STAGE || "unset" }), { names: slice.read.names });

/** The settings an environment gives (tests, tools): never throws, an invalid value is listed in `invalid`. */
export function readBotpressSettings(env: SettingsSource["env"]): BotpressSettings {
  return botpressSettings({ env, settings: { isLocal: env.BOT_STAGE === "local" } });
}

/** The settings a request needs, all present. */
export interface BotpressConfig {
  botId: string;
  email: string;
  password: string;
  jwtSecret?: string;
  replyBudgetMs: number;
}

/** The settings, or 503 with the shared guard's log line naming what is missing or invalid (never a request let in). */
export function requireBotpress(settings: BotpressSettings): BotpressConfig {
  requireSettings(settings, settings.stage, "Botpress", Object.keys(BOTPRESS_LOCAL_DEFAULTS), settings.invalid);
  return {
    botId: settings.BOTPRESS_BOT_ID!,
    email: settings.BOTPRESS_EMAIL!,
    password: settings.BOTPRESS_PASSWORD!,
    replyBudgetMs: settings.BOTPRESS_REPLY_BUDGET_MS,
    ...(settings.BOTPRESS_JWT_SECRET ? { jwtSecret: settings.BOTPRESS_JWT_SECRET } : {}),
  };
}
