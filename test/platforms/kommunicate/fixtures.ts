/**
 * Sample Kommunicate webhook requests (docs/platforms/kommunicate.md §2), reusable by unit and integration tests and by the
 * chat simulator: build a request, serialise it, add the configured header.
 */
import type {
  KmAttachmentInput,
  KmChatContextInput,
  KommunicateWebhookRequestInput,
} from "../../../lib/platforms/kommunicate/schema";

export const KM_BOT_ID = "acme-bot";
export const KM_APP_KEY = "abc123";
export const KM_GROUP_ID = "91234567";
export const KM_USER_ID = "user-42";
export const KM_MESSAGE_KEY = "5-28f1c0de-4b7a-4e9d-8a31-0f6c2d9e7b15";
export const KM_CREATED_AT = 1552638706610;
export const KM_HEADER_NAME = "x-webhook-secret";
export const KM_TEST_SECRET = "k0mmun1cate-7f3c9a52d41e4b8a9c0e2a6b5d8e1f47";

export const KM_IMAGE_ATTACHMENT: KmAttachmentInput = {
  type: "image/png",
  payload: { name: "receipt.png", url: "https://cdn.example.com/receipt.png", size: "20480" },
};
export const KM_LOCATION_ATTACHMENT: KmAttachmentInput = { type: "location", payload: { lat: "52.37", lon: "4.89" } };

export interface KmRequestOptions {
  /** A number is sent as a JSON number, as some clients do. */
  groupId?: string | number;
  key?: string;
  /** null = leave the field out (the user id then falls back to the groupId). */
  from?: string | null;
  message?: string;
}

/** The envelope every request shares, with the given fields on top and the options applied last. */
export function kmRequest(
  fields: Partial<KommunicateWebhookRequestInput> = {},
  options: KmRequestOptions = {},
): KommunicateWebhookRequestInput {
  const request: KommunicateWebhookRequestInput = {
    botId: KM_BOT_ID,
    key: KM_MESSAGE_KEY,
    from: KM_USER_ID,
    message: "",
    groupId: KM_GROUP_ID,
    contentType: "text",
    applicationKey: KM_APP_KEY,
    source: "web",
    eventName: "",
    createdAt: KM_CREATED_AT,
    ...fields,
  };
  if (options.groupId !== undefined) request.groupId = options.groupId;
  if (options.key !== undefined) request.key = options.key;
  if (options.message !== undefined) request.message = options.message;
  if (options.from === null) delete request.from;
  else if (options.from !== undefined) request.from = options.from;
  return request;
}

/** A sample request in the shape of docs/platforms/kommunicate.md §2, with a full key. */
export const kmDocsRequest = (options?: KmRequestOptions) =>
  kmRequest({ message: "hi", metadata: { KM_CHAT_CONTEXT: { kmUserLocale: "en" } } }, options);

/** A plain text message. */
export const kmTextRequest = (text = "hi", options?: KmRequestOptions) =>
  kmRequest({ message: text, metadata: {} }, options);

/** A new conversation: Kommunicate asks for the greeting. */
export const kmWelcomeRequest = (options?: KmRequestOptions) =>
  kmRequest({ eventName: "WELCOME", message: "", metadata: {} }, options);

/** A media event with these attachments, KM_CHAT_CONTEXT as an object. */
export const kmMediaRequest = (attachments: KmAttachmentInput[], options?: KmRequestOptions) =>
  kmRequest({ eventName: "KOMMUNICATE_MEDIA_EVENT", message: "", metadata: { KM_CHAT_CONTEXT: { attachments } } }, options);

export const kmImageRequest = (options?: KmRequestOptions) => kmMediaRequest([KM_IMAGE_ATTACHMENT], options);

export const kmLocationRequest = (options?: KmRequestOptions) => kmMediaRequest([KM_LOCATION_ATTACHMENT], options);

/** A media event (docs/platforms/kommunicate.md §2): an image and a location in one event. */
export const kmImageAndLocationRequest = (options?: KmRequestOptions) =>
  kmMediaRequest([KM_IMAGE_ATTACHMENT, KM_LOCATION_ATTACHMENT], options);

/** A media event whose KM_CHAT_CONTEXT is a JSON string, as the web widget sometimes sends it. */
export const kmStringContextMediaRequest = (
  attachments: KmAttachmentInput[] = [KM_IMAGE_ATTACHMENT],
  options?: KmRequestOptions,
) =>
  kmRequest(
    {
      eventName: "KOMMUNICATE_MEDIA_EVENT",
      message: "",
      metadata: { KM_CHAT_CONTEXT: JSON.stringify({ kmUserLocale: "de", attachments }) },
    },
    options,
  );

/** A click on a button: its `message` as the text, its replyMetadata plus KM_BUTTON_CLICKED. */
export const kmButtonClickRequest = (
  message = "Opening hours",
  replyMetadata: Record<string, unknown> = { intent: "hours" },
  options?: KmRequestOptions,
) => kmRequest({ message, metadata: { ...replyMetadata, KM_BUTTON_CLICKED: true } }, options);

/** A form template submitted back to the bot: the submit label as text, the values in formData. */
export const kmFormSubmitRequest = (
  formData: Record<string, unknown> = { email: "ana@example.com", topic: ["billing"] },
  options?: KmRequestOptions,
) => {
  const context: KmChatContextInput = { formData };
  return kmRequest({ message: "Submit", metadata: { KM_CHAT_CONTEXT: context } }, options);
};

/** A custom event triggered from the page (`Event: <name>` + KM_TRIGGER_EVENT). */
export const kmTriggerEventRequest = (name = "order_status", options?: KmRequestOptions) =>
  kmRequest({ message: `Event: ${name}`, contentType: 10, metadata: { category: "HIDDEN", KM_TRIGGER_EVENT: name } }, options);

/** Headers as Kommunicate sends them, with the configured secret header. */
export function kmHeaders(secret = KM_TEST_SECRET, headerName = KM_HEADER_NAME): Record<string, string> {
  return { "content-type": "application/json", [headerName]: secret };
}
