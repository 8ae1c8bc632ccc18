/**
 * TwoWay delivery → neutral Turns (docs/platforms/twoway.md §2). Text only: the router documents further message types,
 * but this contract covers `{"$type":"text"}`; every other type is skipped with a reason for the
 * caller to log, and the request is still acknowledged. Only `ClientOriginated` messages are turns.
 */
import { createHash } from "node:crypto";
import type { Turn } from "../../conversation";
import type { TwoWayDelivery, TwoWayMessage } from "./schema";

export const TWOWAY_PLATFORM = "twoway";
export const CLIENT_ORIGINATED = "ClientOriginated";

/** Reasons a message is not turned into a Turn. */
export const SKIP_REASON = {
  direction: "not ClientOriginated",
  unsupportedType: "unsupported type",
  textNotString: "text message without a string text",
} as const;

export interface SkippedMessage {
  id?: string;
  /** The message's `$type` as received. */
  type: string;
  reason: string;
}

export interface TwoWayTurns {
  /** In the order of `conversationMessages`. */
  turns: Turn[];
  skipped: SkippedMessage[];
}

/** A non-blank string, or undefined. */
function present(value: string | undefined): string | undefined {
  return value !== undefined && value.trim() !== "" ? value : undefined;
}

/** The message id, or (when the router sent none) a hash of the raw body and the message's index. */
export function twoWayMessageId(message: TwoWayMessage, rawBody: Buffer, index: number): string {
  const id = present(message.id);
  if (id !== undefined) return id;
  return `sha256:${createHash("sha256").update(rawBody).update(`#${index}`).digest("hex")}`;
}

export function twoWayToTurns(delivery: TwoWayDelivery, rawBody: Buffer, now: number): TwoWayTurns {
  const { chat } = delivery;
  const turns: Turn[] = [];
  const skipped: SkippedMessage[] = [];
  delivery.conversationMessages.forEach((message, index) => {
    const skip = (reason: string): void => {
      const id = present(message.id);
      skipped.push(id !== undefined ? { id, type: message.$type, reason } : { type: message.$type, reason });
    };
    if (message.direction !== CLIENT_ORIGINATED) return skip(SKIP_REASON.direction);
    if (message.$type.trim().toLowerCase() !== "text") return skip(SKIP_REASON.unsupportedType);
    if (typeof message.text !== "string") return skip(SKIP_REASON.textNotString);
    const turn: Turn = {
      platform: TWOWAY_PLATFORM,
      conversationId: chat.id,
      // conversationClientId is required by the router; the chat id stands in should it be blank.
      userId: present(chat.conversationClientId) ?? chat.id,
      messageId: twoWayMessageId(message, rawBody, index),
      message: { type: "text", text: message.text },
      receivedAt: now,
    };
    const channel = present(chat.channel);
    if (channel !== undefined) turn.channel = channel;
    const userName = present(chat.conversationClientName);
    if (userName !== undefined) turn.userName = userName;
    turns.push(turn);
  });
  return { turns, skipped };
}
