/** Sinch Engage's own settings slice (lib/platforms/platform-settings.ts): ENGAGE_* of the environment. */
import * as z from "zod/mini";
import { defineSettings } from "../platform-settings";

export const ENGAGE_LOCAL_SECRETS = { ENGAGE_API_TOKEN: "local-engage-api-token" } as const;

export const EngageSettings = z.object({
  ENGAGE_API_TOKEN: z.optional(z.string()),
  /** Input keys that name the conversation of an Engage call, first present wins; none = a stateless call. */
  ENGAGE_CONVERSATION_KEYS: z.pipe(
    z._default(z.string(), "sessionId,conversationId,userId"),
    z.transform((v: string) => v.split(",").map((k) => k.trim()).filter(Boolean)),
  ),
});

export const engageSettings = defineSettings(EngageSettings, ENGAGE_LOCAL_SECRETS).read;
