/** Business Messenger's own settings slice (lib/platforms/platform-settings.ts): BM_* of the environment. */
import * as z from "zod/mini";
import { defineSettings, intFrom } from "../platform-settings";

export const BM_LOCAL_SECRETS = { BM_SIGNATURE_KEY: "local-bm-signature-key" } as const;

export const BmSettings = z.object({
  BM_SIGNATURE_KEY: z.optional(z.string()),
  BM_SIGNATURE_ENCODING: z._default(z.enum(["base64", "hex-base64"]), "base64"),
  /** The field name BM documents as `composeMessage.test` (probably meant `text`). */
  BM_COMPOSE_TEXT_FIELD: z._default(z.string().check(z.minLength(1)), "test"),
  /** Business Messenger waits for the answer in its HTTP request: reply within this (docs/platforms/business-messenger.md §6: 5 s, configurable). */
  BM_REPLY_BUDGET_MS: intFrom(5_000),
});

const slice = defineSettings(BmSettings, BM_LOCAL_SECRETS);
export const bmSettings = slice.read;
