/** CM.com TwoWay's own settings slice (lib/platforms/platform-settings.ts): TWOWAY_* and CM_PRODUCT_TOKEN of the environment. */
import * as z from "zod/mini";
import { defineSettings } from "../platform-settings";

export const TWOWAY_LOCAL_SECRETS = {
  TWOWAY_WEBHOOK_SECRET: "local-twoway-webhook-secret",
  CM_PRODUCT_TOKEN: "00000000-0000-0000-0000-000000000000",
} as const;

export const TwoWaySettings = z.object({
  TWOWAY_WEBHOOK_SECRET: z.optional(z.string()),
  /** The TwoWay adapter's outbound URL, copied from CM's adapter list (…/{technicalLinkId}/adapters/{adapterId}). */
  TWOWAY_OUTBOUND_URL: z.optional(z.url()),
  CM_PRODUCT_TOKEN: z.optional(z.string()),
  /** Waits before the 2nd, 3rd … POST to CM after a 429/5xx/timeout; then the job queue retries the whole job. */
  TWOWAY_RETRY_DELAYS_MS: z
    .pipe(
      z._default(z.string(), "500,2000"),
      z.transform((v: string) => v.split(",").map((n) => Number(n.trim()))),
    )
    .check(z.refine((list) => list.every((n) => Number.isInteger(n) && n >= 0), "must be comma-separated milliseconds")),
  /** Routing control (the bot's own handover): base URL and the adapter ids of the ruleset's rules to flip. */
  TWOWAY_CONTROL_URL: z._default(z.url(), "https://api.conversational.cm.com/conversational/control/v1"),
  TWOWAY_CHANNEL_ADAPTER_ID: z.optional(z.string()),
  TWOWAY_BOT_ADAPTER_ID: z.optional(z.string()),
  TWOWAY_AGENT_ADAPTER_ID: z.optional(z.string()),
});

export const twowaySettings = defineSettings(TwoWaySettings, TWOWAY_LOCAL_SECRETS).read;
