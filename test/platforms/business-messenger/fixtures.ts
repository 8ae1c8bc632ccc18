/**
 * Sample Business Messenger requests (docs/platforms/business-messenger.md §2), reusable by unit and integration tests and by
 * the chat simulator: build a request, serialise it, sign it.
 */
import type { BmWebhookRequestInput } from "../../../lib/platforms/business-messenger/schema";
import { type BmSignatureEncoding, signBmBody } from "../../../lib/platforms/business-messenger/verify";

export const BM_TEST_KEY = "3f1c9a52-7d4e-4b8a-9c0e-2a6b5d8e1f47";
export const BM_DIALOG_UUID = "a9e2c4d1-5b6f-4e7a-8c9d-0e1f2a3b4c5d";
export const BM_SERVICE_UUID = "5b0e7c3a-1d2e-4f5a-9b6c-7d8e9f0a1b2c";
export const BM_CONTACT_UUID = "c0de1234-5678-4abc-9def-0123456789ab";

type Body = BmWebhookRequestInput["message"]["body"];

export interface BmRequestOptions {
  channel?: string;
  dialogUuid?: string;
  from?: string;
  /** null = leave the field out (the dedupe key then falls back to the body hash). */
  providerMsgID?: string | null;
  contact?: BmWebhookRequestInput["contact"];
}

/** A sample request in the shape of docs/platforms/business-messenger.md §2, with the given body. */
export function bmRequest(body: Body, options: BmRequestOptions = {}): BmWebhookRequestInput {
  const message: BmWebhookRequestInput["message"] = {
    from: options.from ?? "41791234567",
    to: [{ number: "41790000000", alias: "ACME" }],
    allowedChannels: ["viber", "sms"],
    custom: [],
    body,
  };
  if (options.providerMsgID !== null) message.providerMsgID = options.providerMsgID ?? "7f3c2b1a-0e9d-4c8b-a7f6-5e4d3c2b1a09";
  return {
    serviceUuid: BM_SERVICE_UUID,
    dialogUuid: options.dialogUuid ?? BM_DIALOG_UUID,
    channel: options.channel ?? "Viber",
    message,
    contact:
      options.contact === undefined
        ? { uuid: BM_CONTACT_UUID, first_name: "Ana", mobile: "41791234567", language: "de", email: null }
        : options.contact,
  };
}

export const bmTextRequest = (text = "hi", options?: BmRequestOptions) => bmRequest({ content: text }, options);

export const bmPostbackRequest = (postback = "HOURS", text = "Opening hours", options?: BmRequestOptions) =>
  bmRequest({ content: text, postback }, options);

export const bmPictureRequest = (options?: BmRequestOptions) =>
  bmRequest(
    { name: "photo.jpg", url: "https://cdn.example.com/photo.jpg", mimeType: "image/jpeg", size: 48211 },
    options,
  );

export const bmVideoRequest = (options?: BmRequestOptions) =>
  bmRequest(
    { name: "clip.mp4", url: "https://cdn.example.com/clip.mp4", mimeType: "video/mp4", size: "1048576", playingLength: "12" },
    options,
  );

export const bmAudioRequest = (options?: BmRequestOptions) =>
  bmRequest(
    { name: "voice.ogg", url: "https://cdn.example.com/voice.ogg", mimeType: "audio/ogg", size: 2048, playingLength: 4 },
    options,
  );

export const bmFileRequest = (options?: BmRequestOptions) =>
  bmRequest(
    { name: "invoice.pdf", url: "https://cdn.example.com/invoice.pdf", mimeType: "application/pdf", size: 9000 },
    options,
  );

export const bmFileListRequest = (options?: BmRequestOptions) =>
  bmRequest(
    {
      text: "two files",
      files: [
        { name: "a.pdf", url: "https://cdn.example.com/a.pdf", mimeType: "application/pdf", size: 100 },
        { name: "b.png", url: "https://cdn.example.com/b.png", mimeType: "image/png" },
      ],
    },
    options,
  );

export const bmLocationRequest = (options?: BmRequestOptions) =>
  bmRequest({ latitude: "47.3769", longitude: 8.5417, text: "Our office" }, options);

export const bmContactRequest = (options?: BmRequestOptions) =>
  bmRequest({ name: "Bob Example", phone: "+41791112233", email: "bob@example.com", address: "Main St 1" }, options);

export const bmUnknownBodyRequest = (options?: BmRequestOptions) => bmRequest({ sticker: { id: 42 } }, options);

/** What debug mode sends after BM rejected our reply: error information only. */
export function bmDebugReport(): Record<string, unknown> {
  return {
    serviceUuid: BM_SERVICE_UUID,
    error: "Validation failed",
    errors: [{ field: "messages[0].body", message: "Unknown message type" }],
  };
}

/** Serialises and signs a body as BM would; the raw bytes are what the signature covers. */
export function signedBmRequest(
  json: unknown,
  key = BM_TEST_KEY,
  encoding: BmSignatureEncoding = "base64",
): { rawBody: Buffer; headers: Record<string, string> } {
  const rawBody = Buffer.from(JSON.stringify(json), "utf8");
  return {
    rawBody,
    headers: { "content-type": "application/json", "x-bm-signature": signBmBody(rawBody, key, encoding) },
  };
}
