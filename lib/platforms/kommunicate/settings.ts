/** Kommunicate's own settings slice (lib/platforms/platform-settings.ts): KOMMUNICATE_* of the environment. */
import * as z from "zod/mini";
import { defineSettings, intFrom } from "../platform-settings";

export const KOMMUNICATE_LOCAL_SECRETS = { KOMMUNICATE_WEBHOOK_SECRET: "local-kommunicate-webhook-secret" } as const;

export const KommunicateSettings = z.object({
  KOMMUNICATE_WEBHOOK_HEADER: z._default(z.string().check(z.minLength(1)), "x-webhook-secret"),
  KOMMUNICATE_WEBHOOK_SECRET: z.optional(z.string()),
  /** Answer Kommunicate within this budget (its timeout is 30 s, API Gateway's 29 s); later, a holding message. */
  KOMMUNICATE_REPLY_BUDGET_MS: intFrom(20_000),
  KOMMUNICATE_HOLDING_MESSAGE: z._default(z.string().check(z.minLength(1)), "One moment please, I'm still working on your answer."),
  /** Optional: Kommunicate's Platform API, to push late answers into the conversation. */
  KOMMUNICATE_API_KEY: z.optional(z.string()),
  KOMMUNICATE_API_BASE: z._default(z.url(), "https://services.kommunicate.io"),
  /** Who takes a Kommunicate handover: its own agents (KM_ASSIGN_TO), or LivePerson's (needs KOMMUNICATE_API_KEY and LP_*). */
  KOMMUNICATE_HUMAN_DESK: z._default(z.enum(["kommunicate", "liveperson"]), "kommunicate"),
});

export const kommunicateSettings = defineSettings(KommunicateSettings, KOMMUNICATE_LOCAL_SECRETS).read;
