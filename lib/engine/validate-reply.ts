import { BotReply } from "../conversation";

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
