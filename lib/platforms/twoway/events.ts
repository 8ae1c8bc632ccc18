/**
 * Router events (docs/platforms/twoway.md §5): metadata about the session, e.g. `RouterSessionEnded`. The shape is read
 * tolerantly because it is not fully documented: the type from `conversationEvents[0].$type`, `$type`,
 * `eventType` or `type` (first non-empty string wins), the id from `conversationEvents[0].id`, `id` or
 * `eventId`, the chat id from `chat.id` or `chatId`. Never throws, whatever JSON value it gets.
 */
import { fitsIdBytes, ID_TOO_LONG, isPlainObject } from "../../http/lenient";

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

type Candidates = ReadonlyArray<readonly [path: string, value: unknown]>;

/** The first candidate that is text, with the path it came from. */
function firstText(candidates: Candidates, numbersToo: boolean): { path: string; value: string } | undefined {
  for (const [path, candidate] of candidates) {
    if (!numbersToo && typeof candidate !== "string") continue;
    const value = text(candidate);
    if (value !== undefined) return { path, value };
  }
  return undefined;
}

function candidates(body: unknown) {
  const events = field(body, "conversationEvents");
  const first: unknown = Array.isArray(events) ? events[0] : undefined;
  return {
    type: [["conversationEvents.0.$type", field(first, "$type")], ["$type", field(body, "$type")], ["eventType", field(body, "eventType")], ["type", field(body, "type")]] as const,
    id: [["conversationEvents.0.id", field(first, "id")], ["id", field(body, "id")], ["eventId", field(body, "eventId")]] as const,
    chatId: [["chat.id", field(field(body, "chat"), "id")], ["chatId", field(body, "chatId")]] as const,
  };
}

export function routerEvent(body: unknown): RouterEvent {
  const c = candidates(body);
  const type = firstText(c.type, false)?.value;
  const id = firstText(c.id, true)?.value;
  const chatId = firstText(c.chatId, true)?.value;
  const out: RouterEvent = {};
  if (type !== undefined) out.type = type;
  if (id !== undefined) out.id = id;
  if (chatId !== undefined) out.chatId = chatId;
  return out;
}

/**
 * The ids routerEvent would use that are longer than an id may be (the chat id becomes a DynamoDB key, the
 * event id is remembered in the session, the type names the recorded event: an attribute of its item, which a
 * type of hundreds of KB would make too large to store), each with the path it came from.
 */
export function tooLongRouterIds(body: unknown): Array<{ path: string; message: string }> {
  const c = candidates(body);
  return [firstText(c.chatId, true), firstText(c.id, true), firstText(c.type, false)].flatMap((found) => (found && !fitsIdBytes(found.value) ? [{ path: found.path, message: ID_TOO_LONG }] : []));
}
