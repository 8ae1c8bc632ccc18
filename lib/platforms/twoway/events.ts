/**
 * Router events (notes §5): metadata about the session, e.g. `RouterSessionEnded`. The shape is read
 * tolerantly because it is not fully documented: the type from `conversationEvents[0].$type`, `$type`,
 * `eventType` or `type` (first non-empty string wins), the id from `conversationEvents[0].id`, `id` or
 * `eventId`, the chat id from `chat.id` or `chatId`. Never throws, whatever JSON value it gets.
 */
import { isPlainObject } from "../../http/lenient";

export const ROUTER_SESSION_ENDED = "RouterSessionEnded";

export interface RouterEvent {
  type?: string;
  id?: string;
  chatId?: string;
}


/** An own property of a plain object (never one inherited from Object.prototype). */
function field(value: unknown, key: string): unknown {
  return isPlainObject(value) && Object.hasOwn(value, key) ? value[key] : undefined;
}

/** A non-blank string (trimmed), or a finite number as its digits; else undefined. */
function text(value: unknown): string | undefined {
  if (typeof value === "number" && Number.isFinite(value)) {
    return Number.isInteger(value) ? BigInt(value).toString() : String(value);
  }
  if (typeof value !== "string") return undefined;
  const trimmed = value.trim();
  return trimmed === "" ? undefined : trimmed;
}

function firstText(candidates: readonly unknown[], numbersToo: boolean): string | undefined {
  for (const candidate of candidates) {
    if (!numbersToo && typeof candidate !== "string") continue;
    const value = text(candidate);
    if (value !== undefined) return value;
  }
  return undefined;
}

export function routerEvent(body: unknown): RouterEvent {
  const events = field(body, "conversationEvents");
  const first: unknown = Array.isArray(events) ? events[0] : undefined;
  const type = firstText([field(first, "$type"), field(body, "$type"), field(body, "eventType"), field(body, "type")], false);
  const id = firstText([field(first, "id"), field(body, "id"), field(body, "eventId")], true);
  const chatId = firstText([field(field(body, "chat"), "id"), field(body, "chatId")], true);
  const out: RouterEvent = {};
  if (type !== undefined) out.type = type;
  if (id !== undefined) out.id = id;
  if (chatId !== undefined) out.chatId = chatId;
  return out;
}
