import * as z from "zod/mini";
import { OutboundMessage } from "./outbound";

/** Namespace names and keys the session store accepts: no prototype tricks, no dots. */
export const SessionKey = z
  .string()
  .check(
    z.regex(/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/, "must be an identifier of at most 64 characters"),
    z.refine((k) => !["__proto__", "constructor", "prototype"].includes(k), "is a reserved name"),
  );

export const SessionUpdate = z.object({
  namespace: SessionKey,
  data: z.record(SessionKey, z.unknown()),
});
export type SessionUpdate = z.infer<typeof SessionUpdate>;

export const HandoverRequest = z.object({
  /** Why, for the agent and the events table. */
  reason: z.optional(z.string()),
  /** A queue, skill or agent id, when the platform can route to one. */
  target: z.optional(z.string()),
});
export type HandoverRequest = z.infer<typeof HandoverRequest>;

/**
 * What a dialog state answers: the Engage API-step contract, plus a handover request.
 * Applied in Engage's order: session merge, then messages (with `{namespace.key}` filled from the
 * merged session), then nextDialogstate.
 */
export const BotReply = z.object({
  session: z.optional(SessionUpdate),
  messages: z.optional(z.array(OutboundMessage)),
  /** The dialog state that handles the conversation's next message. */
  nextDialogstate: z.optional(z.string()),
  handover: z.optional(HandoverRequest),
  /**
   * Answer (also) with the AI responder: its answer is appended as a text message. `instructions` are the
   * state's own, added to AI_INSTRUCTIONS. Ignored when no AI is configured (AI_BASE_URL unset).
   */
  ai: z.optional(z.object({ instructions: z.optional(z.string()) })),
});
export type BotReply = z.infer<typeof BotReply>;
