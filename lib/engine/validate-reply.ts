import { BotReply } from "../conversation";
import type { AppliedReply } from "../session/session";
import "../zod-locale";

export class BotReplyError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "BotReplyError";
  }
}

/** Bot code is TypeScript, but a reply built from data can still be malformed: check it at the boundary. */
export function validateReply(raw: unknown): BotReply {
  const parsed = BotReply.safeParse(raw);
  if (parsed.success) return parsed.data;
  throw new BotReplyError(`the bot answered an invalid reply: ${parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ")}`);
}

/** A reply's parts besides messages (recorded with the message id, so a redelivery can repeat them). */
export function appliedOf(reply: BotReply): AppliedReply {
  return {
    ...(reply.session ? { session: reply.session } : {}),
    ...(reply.nextDialogstate ? { nextDialogstate: reply.nextDialogstate } : {}),
    ...(reply.handover ? { handover: reply.handover } : {}),
  };
}
