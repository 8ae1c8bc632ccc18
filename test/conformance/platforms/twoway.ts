import { localSecrets } from "../../support/local-secrets";
import { twoway } from "../../../lib/platforms/twoway/platform";
import { newSession } from "../../../lib/session/session";
import { twDelivery, twEventsBody, twHandoverBody } from "../../platforms/twoway/fixtures";
import { defineConformance, type ConformanceContext } from "../contract";

/**
 * CM.com TwoWay: `x-webhook-secret` (or `?secret=`) on all three callbacks. Messages are deduplicated by their ids,
 * handover notifications by a hash of chat, session and context, router events by their id.
 */
const SECRET = localSecrets.TWOWAY_WEBHOOK_SECRET;
const sign = () => ({ "x-webhook-secret": SECRET });
const forge = () => ({
  "another secret": { headers: { "x-webhook-secret": "not-the-secret" } },
  "the secret's prefix": { headers: { "x-webhook-secret": SECRET.slice(0, -1) } },
  "the secret in another header": { headers: { authorization: `Bearer ${SECRET}` } },
  "another secret in the query": { query: "secret=not-the-secret" },
  "the secret in another query parameter": { query: `token=${encodeURIComponent(SECRET)}` },
  "the secret's prefix in the query": { query: `secret=${encodeURIComponent(SECRET.slice(0, -1))}` },
});

/** A chat the bot already talks in (version 1), so that a router event has a session to act on. */
async function seededChat({ rt, unique }: ConformanceContext): Promise<string> {
  const chatId = unique("tw-chat");
  const now = rt.clock();
  const saved = await rt.sessions.save({ ...newSession("twoway", chatId, now), version: 1, expiresAt: Math.floor(now / 1000) + 86_400 }, 0);
  if (saved !== "saved") throw new Error(`seeding ${chatId}: ${saved}`);
  return chatId;
}

export const conformance = defineConformance(twoway, {
  endpoints: {
    messages: {
      sign,
      forge,
      valid: ({ unique }) => ({ body: twDelivery({ chatId: unique("tw-chat"), messageId: unique("tw-msg") }) }),
      status: 201,
      wrongTypes: (valid) => {
        const body = valid as { chat: Record<string, unknown>; conversationMessages: Array<Record<string, unknown>> };
        return {
          "chat is a string": { ...body, chat: "x" },
          "conversationMessages is an object": { ...body, conversationMessages: body.conversationMessages[0] },
          // A message's other fields are read leniently by design (an odd one is skipped, never refused: a 400 makes the router redeliver).
          "a message's $type is a number": { ...body, conversationMessages: [{ ...body.conversationMessages[0], $type: 1 }] },
          "chat.id is an object": { ...body, chat: { ...body.chat, id: { id: "x" } } },
        };
      },
    },
    handover: {
      sign,
      forge,
      valid: ({ unique }) => ({ body: twHandoverBody(undefined, { chatId: unique("tw-chat") }) }),
      status: 200,
      wrongTypes: (valid) => {
        const body = JSON.parse(valid as string) as Record<string, unknown>;
        return {
          "chatId is an object": { ...body, chatId: { id: body.chatId } },
          "chatId is a list": { ...body, chatId: [body.chatId] },
          "chatId is true": { ...body, chatId: true },
        };
      },
    },
    events: {
      sign,
      forge,
      valid: async (ctx) => {
        const body = twEventsBody("RouterSessionEnded", { id: ctx.unique("tw-event") });
        return { body: { ...body, chat: { ...(body.chat as object), id: await seededChat(ctx) } } };
      },
      status: 200,
      wrongTypes: () => ({}),
      fields: "free-form",
      why: "the router's event shape is undocumented: any JSON object is read tolerantly and recorded",
    },
  },
});
