/**
 * Converse body → neutral Turn (docs/platforms/botpress.md §3). `{userId}` is the conversation. Botpress
 * has no message id, so each call gets a fresh one: every converse call is a new turn (§5).
 */
import { randomUUID } from "node:crypto";
import type { InboundMessage, MediaRef, Turn } from "../../conversation";
import { parseWith } from "../../http/body";
import { BOTPRESS_TYPE_SCHEMAS, BotpressConverseType, type BotpressConverseRequest } from "./schema";

export const BOTPRESS_PLATFORM = "botpress";

/** The type first (default `text`), then that type's fields: a 400 names the field that is wrong. */
export function parseBotpressConverse(body: unknown): BotpressConverseRequest {
  const { type } = parseWith(BotpressConverseType, body, "Botpress converse");
  const fields = parseWith(BOTPRESS_TYPE_SCHEMAS[type] as (typeof BOTPRESS_TYPE_SCHEMAS)["text"], body, `Botpress converse (${type})`);
  return { ...fields, type } as BotpressConverseRequest;
}

/** The file name at the end of a URL's path, when it has one: bots and transcripts show it. */
function mediaRef(url: string): MediaRef {
  try {
    const last = new URL(url).pathname.split("/").pop();
    const name = last ? decodeURIComponent(last) : "";
    return name ? { url, name } : { url };
  } catch {
    return { url };
  }
}

const withCaption = <T extends object>(message: T, title: string | undefined): T => (title?.trim() ? { ...message, caption: title } : message);

/** What the user sent, in the neutral model; never throws. */
export function botpressToInbound(request: BotpressConverseRequest): InboundMessage {
  switch (request.type) {
    case "text":
      return { type: "text", text: request.text };
    case "image":
      return withCaption({ type: "picture", media: mediaRef(request.image) }, request.title);
    case "video":
      return withCaption({ type: "video", media: mediaRef(request.video) }, request.title);
    case "audio":
      return { type: "audio", media: mediaRef(request.audio) };
    case "file":
      return withCaption({ type: "file", media: mediaRef(request.file) }, request.title);
    case "location": {
      const label = request.title?.trim() || request.address?.trim();
      return { type: "location", latitude: request.latitude, longitude: request.longitude, ...(label ? { label } : {}) };
    }
    case "response":
      // A reply to a Business Messenger question, order or form: an event the bot can route on.
      return { type: "event", name: "response", data: { response: request.response, responseData: request.responseData } };
    case "quick_reply":
    case "postback":
      return { type: "postback", postback: request.payload, ...(request.text ? { text: request.text } : {}) };
  }
}

export function botpressToTurn(userId: string, request: BotpressConverseRequest, now: number, messageId = `bp-${randomUUID()}`): Turn {
  return { platform: BOTPRESS_PLATFORM, conversationId: userId, userId, messageId, message: botpressToInbound(request), receivedAt: now };
}
