/**
 * Kommunicate webhook request → neutral Turn (docs/platforms/kommunicate.md §2).
 * The kind is decided in this order: `eventName` WELCOME, media event, button click, form submit,
 * triggered custom event, any other event name, plain text.
 */
import type { InboundMessage, MediaRef, Turn } from "../../conversation";
import { type KmAttachment, type KmChatContext, type KommunicateWebhookRequest, chatContext } from "./schema";

export const KM_WELCOME_EVENT = "WELCOME";
export const KM_MEDIA_EVENT = "KOMMUNICATE_MEDIA_EVENT";

/** A non-empty string, or undefined. */
function present(value: string | null | undefined): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

/** One attachment → a message, or undefined when it lacks what its kind needs (url, coordinates). */
function attachmentToInbound(attachment: KmAttachment): InboundMessage | undefined {
  const type = attachment.type.trim().toLowerCase();
  const { payload } = attachment;
  if (type === "location") {
    const { lat, lon } = payload;
    return typeof lat === "number" && typeof lon === "number"
      ? { type: "location", latitude: lat, longitude: lon }
      : undefined;
  }
  const url = present(payload.url);
  if (!url) return undefined;
  const media: MediaRef = { url };
  const name = present(payload.name);
  const mimeType = present(attachment.type)?.trim();
  if (name) media.name = name;
  if (mimeType) media.mimeType = mimeType;
  if (typeof payload.size === "number") media.size = payload.size;
  if (type.startsWith("image/")) return { type: "picture", media };
  if (type.startsWith("video/")) return { type: "video", media };
  if (type.startsWith("audio/")) return { type: "audio", media };
  return { type: "file", media };
}

/**
 * `KOMMUNICATE_MEDIA_EVENT`: one usable attachment → its own kind; several → a fileList of the
 * files (locations are dropped then), or the first location when none of them is a file.
 */
export function kmAttachmentsToInbound(attachments: readonly KmAttachment[]): InboundMessage {
  const items = attachments.flatMap((a) => attachmentToInbound(a) ?? []);
  const [first] = items;
  if (!first) return { type: "event", name: "media_without_attachment" };
  if (items.length === 1) return first;
  const files = items.flatMap((m) => ("media" in m ? [m.media] : []));
  if (files.length > 0) return { type: "fileList", files };
  return first;
}

/** `KM_BUTTON_CLICKED: true` (the widget also stringifies metadata values, hence "true"). */
function isButtonClick(metadata: Record<string, unknown> | undefined): boolean {
  const flag = metadata?.KM_BUTTON_CLICKED;
  return flag === true || (typeof flag === "string" && flag.trim().toLowerCase() === "true");
}

const EVENT_MESSAGE = /^Event:\s*(\S(?:.*\S)?)\s*$/s;

/**
 * A triggered custom event: `metadata.KM_TRIGGER_EVENT` (a name), or the message `Event: <name>`
 * the widget sends with it. The name is kept as the customer wrote it, except that WELCOME maps to
 * "welcome" (sites that suppress the welcome event trigger it this way).
 */
function triggeredEvent(metadata: Record<string, unknown> | undefined, message: string): string | undefined {
  const fromMetadata = metadata?.KM_TRIGGER_EVENT;
  const name =
    (typeof fromMetadata === "string" ? present(fromMetadata)?.trim() : undefined) ?? EVENT_MESSAGE.exec(message)?.[1];
  if (!name) return undefined;
  return name.toUpperCase() === KM_WELCOME_EVENT ? "welcome" : name;
}

/** Decides what the user sent; never throws. */
export function kommunicateToInbound(
  req: KommunicateWebhookRequest,
  context: KmChatContext | undefined = chatContext(req.metadata),
): InboundMessage {
  const eventName = present(req.eventName)?.trim();
  const message = req.message ?? "";
  const upper = eventName?.toUpperCase();

  if (upper === KM_WELCOME_EVENT) return { type: "event", name: "welcome" };
  if (upper === KM_MEDIA_EVENT) return kmAttachmentsToInbound(context?.attachments ?? []);

  if (isButtonClick(req.metadata)) return { type: "postback", postback: message, text: message };

  // The widget sends a form submit as the submit button's label plus KM_CHAT_CONTEXT.formData, so a
  // message text is (nearly) always there: letting it win would drop every form. The form wins.
  if (context?.formData) return { type: "event", name: "form_submitted", data: context.formData };

  const triggered = triggeredEvent(req.metadata, message);
  if (triggered) return { type: "event", name: triggered };

  if (eventName) return { type: "event", name: eventName.toLowerCase() };

  return { type: "text", text: message };
}

export function kommunicateToTurn(req: KommunicateWebhookRequest, now: number): Turn {
  const context = chatContext(req.metadata);
  const turn: Turn = {
    platform: "kommunicate",
    conversationId: req.groupId,
    userId: present(req.from) ?? req.groupId,
    messageId: req.key,
    message: kommunicateToInbound(req, context),
    receivedAt: now,
  };
  const locale = present(context?.kmUserLocale) ?? present(context?.kmUserLanguageCode);
  if (locale) turn.locale = locale.trim();
  return turn;
}
