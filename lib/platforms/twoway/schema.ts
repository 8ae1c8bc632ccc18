/**
 * zod schemas for what the CM.com Conversational Router POSTs to our TwoWay message endpoint
 * (docs/platforms/twoway.md §2) and what its events endpoint receives (§5). Every object is loose (unknown
 * fields kept). Ids may arrive as JSON numbers and are turned into strings. A message only needs a
 * string `$type`: unknown types, directions and shapes pass here and are skipped later, so they never
 * cause a 400 (which would make the router redeliver them).
 */
import * as z from "zod/mini";
import { boundedId, lenientId, lenientString, preprocess, requiredId, stringish } from "../../http/lenient";

/** `null` or absent → []; anything else must be an array of `item`. */
function listOf<T extends z.ZodMiniType>(item: T) {
  return preprocess((value) => (value === null ? undefined : value), z._default(z.array(item), []));
}

/** `chat`: who talks to whom on which channel (docs/platforms/twoway.md §2). `id` is our conversation key. */
export const TwoWayChat = z.looseObject({
  id: requiredId,
  sessionId: lenientId,
  /** technicalLinkId. */
  accountId: stringish,
  /** e.g. `WhatsApp`, `CXWebConversations`: any string is accepted. */
  channel: stringish,
  /** The user id (the bank bot keys accounts by it). */
  conversationClientId: boundedId,
  conversationHostId: stringish,
  conversationClientName: lenientString,
});
export type TwoWayChat = z.infer<typeof TwoWayChat>;
export type TwoWayChatInput = z.input<typeof TwoWayChat>;

/** One entry of `conversationMessages`. Only `$type` is checked; text is `{"$type":"text","text":"…"}`. */
export const TwoWayMessage = z.looseObject({
  $type: z.string(),
  id: lenientId,
  /** `ClientOriginated` (from the client) or `ClientTerminated` (to the client). */
  direction: lenientString,
  /** UTC, set by the router. */
  createdOn: lenientString,
  text: lenientString,
});
export type TwoWayMessage = z.infer<typeof TwoWayMessage>;
export type TwoWayMessageInput = z.input<typeof TwoWayMessage>;

/** One entry of `conversationEvents`, e.g. `{"$type":"RouterSessionEnded","id":"…"}`. */
export const TwoWayEvent = z.looseObject({
  $type: lenientString,
  id: lenientId,
  createdOn: lenientString,
});
export type TwoWayEvent = z.infer<typeof TwoWayEvent>;
export type TwoWayEventInput = z.input<typeof TwoWayEvent>;

/** The request POSTed to `/twoway/messages`. `targetAdaptersInfo` is kept but never sent back. */
export const TwoWayDelivery = z.looseObject({
  chat: TwoWayChat,
  conversationMessages: listOf(TwoWayMessage),
  conversationEvents: listOf(TwoWayEvent),
  targetAdaptersInfo: z.optional(z.unknown()),
});
export type TwoWayDelivery = z.infer<typeof TwoWayDelivery>;
/** What a fixture or simulator may send (ids as numbers, lists left out, …). */
export type TwoWayDeliveryInput = z.input<typeof TwoWayDelivery>;
