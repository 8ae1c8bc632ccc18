import { applyHandoverEvent } from "../../engine/handover";
import { updateSession } from "../../engine/update-session";
import { assertJsonDepth, jsonText, parseJsonBody, parseWith } from "../../http/body";
import { badRequest, unauthorized } from "../../http/errors";
import { header } from "../../http/headers";
import type { WebhookEvent } from "../../http/middlewares";
import { secureEqual } from "../../http/secure-compare";
import { jobQueue } from "../../jobs/queue";
import { logger } from "../../log";
import type { Runtime } from "../../runtime";
import { sessionKey } from "../../session/session";
import { livePersonDesk } from "../liveperson/bridge";
import { ROUTER_SESSION_ENDED, routerEvent, tooLongRouterIds } from "./events";
import { handoverIdempotencyKey, handoverOwner, parseHandoverBody } from "./handover-body";
import { TWOWAY_PLATFORM, twoWayToTurns } from "./inbound";
import { TWOWAY_TURN, type TwoWayTurnPayload } from "./reply-job";
import { TwoWayDelivery } from "./schema";
import { platformStreamKey } from "../../session/keys";
import { twowaySettings } from "./settings";
import { wasProcessed } from "../../session/processed";

/**
 * The router's three callbacks. Secret: header `x-webhook-secret` or query `?secret=` (the events endpoint's
 * UI has no header section). A missing secret or outbound setting was refused before, by the secrets guard.
 */
export function verifyTwoWayRequest(rt: Runtime, event: WebhookEvent): void {
  const secret = twowaySettings(rt).TWOWAY_WEBHOOK_SECRET;
  const presented = header(event, "x-webhook-secret") ?? event.queryStringParameters?.secret;
  if (!secret || !secureEqual(presented, secret)) throw unauthorized("missing or invalid webhook secret");
}

/**
 * POST /twoway/messages: validate, queue each message in order; 201 at once. No session read here: the job's
 * turn finds a redelivered message processed (one read) and sends nothing (lib/platforms/twoway/reply-job.ts).
 */
export async function acceptTwoWayMessages(rt: Runtime, event: WebhookEvent): Promise<void> {
  const delivery = parseWith(TwoWayDelivery, parseJsonBody(event.rawBody), "TwoWay message");
  const { turns, skipped } = twoWayToTurns(delivery, event.rawBody, rt.clock());
  logger.appendKeys({ conversationId: delivery.chat.id });
  for (const s of skipped) logger.info("TwoWay message skipped", { ...s });
  if (!turns.length) return;

  const { id, accountId, channel, conversationClientId, conversationHostId } = delivery.chat;
  const chat = { id, accountId, channel, conversationClientId, conversationHostId };
  // One delivery may carry thousands of messages: queued 10 to a request, in order.
  await jobQueue(rt).enqueueAll(
    turns.map((turn) => ({ kind: TWOWAY_TURN, group: `twoway#${delivery.chat.id}`, dedupeId: turn.messageId, payload: { turn, chat } satisfies TwoWayTurnPayload })),
  );
  logger.info("TwoWay messages queued", { queued: turns.length, skipped: skipped.length });
}

/** POST /twoway/handover: the router's handover notification (a template body, repaired when `$context` was empty). */
export async function recordTwoWayHandover(rt: Runtime, raw: Buffer): Promise<void> {
  const parsed = parseHandoverBody(jsonText(raw));
  if (!parsed.ok) {
    const noChatId = parsed.issues.some((issue) => issue.path === "chatId");
    throw badRequest(noChatId ? "handover body has no usable chatId" : "handover body is not valid JSON even after repair", parsed.issues);
  }
  const notification = parsed.value;
  assertJsonDepth(notification.context); // its idempotency key walks it recursively
  const chatId = notification.chatId!;
  const owner = handoverOwner(notification);
  const id = handoverIdempotencyKey(notification);
  logger.appendKeys({ conversationId: chatId });

  const { written } = await updateSession(rt.engine, TWOWAY_PLATFORM, chatId, (session, now) =>
    wasProcessed(session.processed, id)
      ? { result: undefined }
      : {
          result: undefined,
          next: {
            ...applyHandoverEvent(session, owner === "human" ? { kind: "to-human", reason: "router handover" } : { kind: "to-bot" }, now),
            processed: [...session.processed, { id, at: now }],
          },
        },
  );
  if (!written) return logger.info("TwoWay handover notification already recorded");
  await rt.events.record(
    { pk: sessionKey(TWOWAY_PLATFORM, chatId), type: "twoway.handover", platform: TWOWAY_PLATFORM, conversationId: chatId, data: { owner, sessionId: notification.sessionId, context: notification.context } },
    rt.clock(),
  );
  logger.info("TwoWay handover recorded", { owner });
}

/** POST /twoway/events: router events; RouterSessionEnded closes the dialog and hands the chat back to the bot. */
export async function recordTwoWayEvent(rt: Runtime, raw: Buffer): Promise<void> {
  const body = parseJsonBody(raw);
  const tooLong = tooLongRouterIds(body);
  if (tooLong.length) throw badRequest("router event ids too long", tooLong);
  const { type = "unknown", id, chatId } = routerEvent(body);
  logger.appendKeys({ conversationId: chatId, routerEvent: type });
  const pk = chatId ? sessionKey(TWOWAY_PLATFORM, chatId) : platformStreamKey(TWOWAY_PLATFORM, "events");
  if (chatId && type === ROUTER_SESSION_ENDED) {
    const eventId = `event:${id ?? type}`;
    const { before, written, result: seen } = await updateSession(rt.engine, TWOWAY_PLATFORM, chatId, (session, now) => {
      if (wasProcessed(session.processed, eventId)) return { result: true };
      if (session.version === 0) return { result: false };
      return { result: false, next: { ...applyHandoverEvent(session, { kind: "session-ended" }, now), processed: [...session.processed, { id: eventId, at: now }] } };
    });
    // A redelivery was recorded the first time: one record per event, not per delivery.
    if (seen) return logger.info("TwoWay router event already recorded");
    // The user's side ended: an open LivePerson conversation is closed too.
    const desk = livePersonDesk(rt);
    if (written && desk && before.human?.conversationId) await desk.close(TWOWAY_PLATFORM, chatId, before, "router session ended");
  }
  await rt.events.record({ pk, type: `twoway.event.${type}`, platform: TWOWAY_PLATFORM, ...(chatId ? { conversationId: chatId } : {}), data: { id, body } }, rt.clock());
  logger.info("TwoWay router event recorded");
}
