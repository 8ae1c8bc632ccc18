import type * as z from "zod/mini";
import type { BotReply } from "../conversation";

/** What an action sees besides its validated input. */
export interface ActionContext {
  /** The conversation key the platform sent (Engage: sessionId/conversationId/userId), if any. */
  conversationKey?: string;
  userId?: string;
  locale?: string;
  channel?: string;
  /** The session's namespaces before this call ({} for a stateless call). */
  namespaces: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** Stable for this call, also across reruns and platform retries that carry the same request id. */
  idempotencyKey: string;
}

/**
 * A named business action a platform calls directly (Engage's API step): a typed function from its
 * validated input and the session to a BotReply. Input that fails `input` gets a 400 naming the fields.
 */
export interface BotAction<S extends z.ZodMiniType = z.ZodMiniType> {
  input: S;
  run(input: z.infer<S>, ctx: ActionContext): BotReply | Promise<BotReply>;
}

export type BotActions = Record<string, BotAction>;

/** Declares an action with its input schema, so `run` gets the parsed, typed input. */
export function defineAction<S extends z.ZodMiniType>(action: BotAction<S>): BotAction {
  return action as unknown as BotAction;
}
