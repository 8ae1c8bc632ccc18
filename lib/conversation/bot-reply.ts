import * as z from "zod";
import { OutboundMessage } from "./outbound";

/** Namespace names and keys the session store accepts: no prototype tricks, no dots. */
export const SessionKey = z
  .string()
  .regex(/^[A-Za-z_][A-Za-z0-9_-]{0,63}$/, "must be an identifier of at most 64 characters")
  .refine((k) => !["__proto__", "constructor", "prototype"].includes(k), "is a reserved name");

export const SessionUpdate = z.object({
  namespace: SessionKey,
  data: z.record(SessionKey, z.unknown()),
});
export type SessionUpdate = z.infer<typeof SessionUpdate>;

export const HandoverRequest = z.object({
  /** Why, for the agent and the events table. */
  reason: z.string().optional(),
  /** A queue, skill or agent id, when the platform can route to one. */
  target: z.string().optional(),
});
export type HandoverRequest = z.infer<typeof HandoverRequest>;

/**
 * What a dialog state answers: the Engage API-step contract, plus a handover request.
 * Applied in Engage's order: session merge, then messages (with `{namespace.key}` filled from the
 * merged session), then nextDialogstate.
 */
export const BotReply = z.object({
  session: SessionUpdate.optional(),
  messages: z.array(OutboundMessage).optional(),
  /** The dialog state that handles the conversation's next message. */
  nextDialogstate: z.string().optional(),
  handover: HandoverRequest.optional(),
  /**
   * Answer (also) with the AI responder: its answer is appended as a text message. `instructions` are the
   * state's own, added to AI_INSTRUCTIONS. Ignored when no AI is configured (AI_BASE_URL unset).
   */
  ai: z.object({ instructions: z.string().optional() }).optional(),
});
export type BotReply = z.infer<typeof BotReply>;
