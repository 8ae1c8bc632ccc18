/**
 * Business Messenger webhook request → neutral Turn.
 * BM publishes no body discriminator, so the kind is detected from the fields present (docs/platforms/business-messenger.md §2).
 */
import { createHash } from "node:crypto";
import type { InboundMessage, MediaRef, Turn } from "../../conversation";
import { normaliseBmChannel } from "./limits";
import { extensionOf, isImageExtension, isVideoExtension, normaliseMimeType } from "./media-types";
import type { BmFile, BmInboundBody, BmWebhookRequest } from "./schema";

/** A non-empty string, or undefined (BM omits empty fields or sends null). */
function present(value: string | null | undefined): string | undefined {
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

function mediaRef(source: BmFile & { url: string }): MediaRef {
  const ref: MediaRef = { url: source.url };
  const name = present(source.name);
  const mimeType = present(source.mimeType);
  if (name) ref.name = name;
  if (mimeType) ref.mimeType = mimeType;
  if (typeof source.size === "number") ref.size = source.size;
  return ref;
}

/** True when the MIME type (or, without one, the name/URL extension) says this kind. */
function looksLike(body: BmInboundBody, kind: "image" | "video"): boolean {
  const mime = normaliseMimeType(body.mimeType);
  if (mime) return mime.startsWith(`${kind}/`);
  const ext = extensionOf(present(body.name)) ?? extensionOf(body.url);
  return kind === "image" ? isImageExtension(ext) : isVideoExtension(ext);
}

/** Detects the body's kind by its properties, in the order of docs/platforms/business-messenger.md §2; never throws. */
export function bmBodyToInbound(body: BmInboundBody): InboundMessage {
  const content = typeof body.content === "string" ? body.content : undefined;
  const text = present(body.text);
  const postback = present(body.postback);
  if (postback) return content !== undefined ? { type: "postback", postback, text: content } : { type: "postback", postback };
  if (content !== undefined) return { type: "text", text: content };

  if (typeof body.latitude === "number" && typeof body.longitude === "number") {
    const label = text ?? present(body.address);
    return label
      ? { type: "location", latitude: body.latitude, longitude: body.longitude, label }
      : { type: "location", latitude: body.latitude, longitude: body.longitude };
  }

  if (Array.isArray(body.files)) {
    const files = body.files
      .filter((f): f is BmFile & { url: string } => typeof f.url === "string" && f.url !== "")
      .map(mediaRef);
    return text ? { type: "fileList", files, text } : { type: "fileList", files };
  }

  const url = present(body.url);
  if (url) {
    const media = mediaRef({ ...body, url });
    if (typeof body.playingLength === "number") {
      return looksLike(body, "video") ? withCaption({ type: "video", media }, text) : { type: "audio", media };
    }
    return looksLike(body, "image") ? withCaption({ type: "picture", media }, text) : withCaption({ type: "file", media }, text);
  }

  const phone = present(body.phone);
  const email = present(body.email);
  if (phone || email) {
    const contact: Extract<InboundMessage, { type: "contact" }> = { type: "contact" };
    const name = present(body.name);
    const address = present(body.address);
    if (name) contact.name = name;
    if (phone) contact.phone = phone;
    if (email) contact.email = email;
    if (address) contact.address = address;
    return contact;
  }

  return { type: "event", name: "unknown_body", data: { ...body } };
}

function withCaption<T extends Extract<InboundMessage, { type: "picture" | "video" | "file" }>>(
  message: T,
  caption: string | undefined,
): T {
  return caption ? { ...message, caption } : message;
}

/** Fallback dedupe key when BM sends no provider message id (docs/platforms/business-messenger.md §6). */
function bodyHash(rawBody: Buffer): string {
  return `sha256:${createHash("sha256").update(rawBody).digest("hex")}`;
}

export function bmToTurn(req: BmWebhookRequest, rawBody: Buffer, now: number): Turn {
  const contact = req.contact ?? undefined;
  const turn: Turn = {
    platform: "bm",
    conversationId: req.dialogUuid,
    userId: present(contact?.uuid) ?? present(req.message.from) ?? req.dialogUuid,
    messageId: present(req.message.providerMsgID) ?? bodyHash(rawBody),
    channel: normaliseBmChannel(req.channel),
    message: bmBodyToInbound(req.message.body),
    receivedAt: now,
  };
  const locale = present(contact?.language);
  const userName = present(contact?.first_name) ?? present(contact?.nick_name);
  if (locale) turn.locale = locale;
  if (userName) turn.userName = userName;
  return turn;
}
