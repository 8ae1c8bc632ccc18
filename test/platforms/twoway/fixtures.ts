/**
 * Sample CM.com Conversational Router requests (docs/platforms/twoway.md §2, §5), reusable by unit and integration tests
 * and by the chat simulator: build a delivery, a handover notification body or an events body,
 * serialise it, add the configured secret header.
 */
import type {
  TwoWayChatInput,
  TwoWayDeliveryInput,
  TwoWayEventInput,
  TwoWayMessageInput,
} from "../../../lib/platforms/twoway/schema";

export const TW_CHAT_ID = "2f0c8e41d5b7a9c3e6f1d2b4a8c7e5f9";
export const TW_SESSION_ID = "7d3e1a9c-5b2f-4e8d-9a6c-3f1b7e2d4c8a";
/** The technicalLinkId. */
export const TW_ACCOUNT_ID = "a3c5e7f9-1b2d-4f6a-8c0e-2d4f6a8c0e1b";
export const TW_CHANNEL = "WhatsApp";
export const TW_CLIENT_ID = "0031612345678";
export const TW_HOST_ID = "0031201234567";
export const TW_CLIENT_NAME = "Ana";
export const TW_MESSAGE_ID = "b1a4c6e8-0d2f-4a6c-8e0a-2c4e6a8c0d2f";
export const TW_CREATED_ON = "2025-01-31T10:15:00Z";
export const TW_EVENT_ID = "e71d3b5f-7a9c-4e1b-8d3f-5a7c9e1b3d5f";
export const TW_EVENT_CREATED_ON = "2025-01-31T10:45:00Z";
export const TW_HEADER_NAME = "x-webhook-secret";
export const TW_TEST_SECRET = "tw0way-3b9f1c7e5a2d4f8b6c0e9a1d3f5b7c9e";

/** The `chat` object as the router sends it, with overrides. */
export function twChat(overrides: Partial<TwoWayChatInput> = {}): TwoWayChatInput {
  return {
    id: TW_CHAT_ID,
    sessionId: TW_SESSION_ID,
    accountId: TW_ACCOUNT_ID,
    channel: TW_CHANNEL,
    conversationClientId: TW_CLIENT_ID,
    conversationHostId: TW_HOST_ID,
    conversationClientName: TW_CLIENT_NAME,
    ...overrides,
  };
}

/** A text the client wrote (`ClientOriginated`), with overrides. */
export function twTextMessage(text = "hi", overrides: Partial<TwoWayMessageInput> = {}): TwoWayMessageInput {
  return { $type: "text", id: TW_MESSAGE_ID, direction: "ClientOriginated", createdOn: TW_CREATED_ON, text, ...overrides };
}

/**
 * A message type this contract does not cover (docs/platforms/twoway.md §2: logged and skipped). The payload fields are
 * illustrative only: the router's media shape is not part of our contract (see docs/platforms/twoway.md §2).
 */
export function twUnknownTypeMessage($type = "image", overrides: Partial<TwoWayMessageInput> = {}): TwoWayMessageInput {
  return {
    $type,
    id: "c2b5d7f9-1e3a-4b5d-9f1a-3b5d7f9e1a3c",
    direction: "ClientOriginated",
    createdOn: TW_CREATED_ON,
    media: { mediaUri: "https://cdn.example.com/photo.jpg", mimeType: "image/jpeg" },
    ...overrides,
  };
}

/** What we sent, echoed back (`ClientTerminated`): never a turn. */
export function twEchoMessage(text = "Hi! How can I help?", overrides: Partial<TwoWayMessageInput> = {}): TwoWayMessageInput {
  return {
    $type: "text",
    id: "d3c6e8a0-2f4b-4c6e-8a0c-4e6a8c0e2f4b",
    direction: "ClientTerminated",
    createdOn: TW_CREATED_ON,
    text,
    ...overrides,
  };
}

export interface TwDeliveryOptions {
  /** A number is sent as a JSON number. */
  chatId?: string | number;
  /** null = leave the id out of the (single) message. */
  messageId?: string | null;
  text?: string;
  /** Replaces the single text message. */
  messages?: TwoWayMessageInput[];
  chat?: Partial<TwoWayChatInput>;
  targetAdaptersInfo?: unknown;
}

/** A sample delivery in the shape of docs/platforms/twoway.md §2 (full ids), with the options applied. */
export function twDelivery(options: TwDeliveryOptions = {}): TwoWayDeliveryInput {
  const chat = twChat(options.chat);
  if (options.chatId !== undefined) chat.id = options.chatId;
  let messages = options.messages;
  if (messages === undefined) {
    const message = twTextMessage(options.text ?? "hi");
    if (options.messageId === null) delete message.id;
    else if (options.messageId !== undefined) message.id = options.messageId;
    messages = [message];
  }
  const delivery: TwoWayDeliveryInput = { chat, conversationMessages: messages };
  if (options.targetAdaptersInfo !== undefined) delivery.targetAdaptersInfo = options.targetAdaptersInfo;
  return delivery;
}

/** Several client texts in one delivery, ids "<TW_MESSAGE_ID>-1", "-2", … */
export function twMultiDelivery(texts: readonly string[], options: Omit<TwDeliveryOptions, "messages"> = {}): TwoWayDeliveryInput {
  return twDelivery({ ...options, messages: texts.map((text, i) => twTextMessage(text, { id: `${TW_MESSAGE_ID}-${i + 1}` })) });
}

/** A delivery with an unknown `$type` between two texts. */
export const twMixedDelivery = (): TwoWayDeliveryInput =>
  twDelivery({
    messages: [
      twTextMessage("first", { id: "m-1" }),
      twUnknownTypeMessage("image", { id: "m-2" }),
      twTextMessage("second", { id: "m-3" }),
    ],
  });

/** A delivery carrying only our own reply echoed back. */
export const twEchoDelivery = (): TwoWayDeliveryInput => twDelivery({ messages: [twEchoMessage()] });

/** The request body exactly as sent on the wire. */
export const twRawBody = (delivery: TwoWayDeliveryInput | unknown): Buffer => Buffer.from(JSON.stringify(delivery), "utf8");

// ---- handover notification (docs/platforms/twoway.md §5) ----

/** The default handover template [3p], as described in docs/platforms/twoway.md §5 (line break included). */
export const TW_HANDOVER_TEMPLATE =
  '{"chatId":"{{$chatId}}","sessionId":"{{$sessionId}}","accountId":"{{$accountId}}","channel":"{{$channel}}",\n' +
  ' "conversationHostId":"{{$conversationHostId}}","conversationClientId":"{{$conversationClientId}}","context":{{$context}}}';

/** Our template [assumed]: the context wrapped in brackets, so an empty one still gives valid JSON. */
export const TW_HANDOVER_TEMPLATE_WRAPPED = TW_HANDOVER_TEMPLATE.replace('"context":{{$context}}', '"context":[{{$context}}]');

export interface TwHandoverValues {
  chatId?: string;
  sessionId?: string;
  accountId?: string;
  channel?: string;
  conversationHostId?: string;
  conversationClientId?: string;
  /** An object is inserted as JSON; a string as is; undefined or {} as nothing (as the router does). */
  context?: Record<string, unknown> | string;
}

/** The template rendered the way the router does it: plain text substitution of `{{$name}}`. */
export function renderHandoverTemplate(template: string, values: TwHandoverValues = {}): string {
  const context = values.context;
  const contextText =
    context === undefined ? "" : typeof context === "string" ? context : Object.keys(context).length === 0 ? "" : JSON.stringify(context);
  const all: Record<string, string> = {
    chatId: values.chatId ?? TW_CHAT_ID,
    sessionId: values.sessionId ?? TW_SESSION_ID,
    accountId: values.accountId ?? TW_ACCOUNT_ID,
    channel: values.channel ?? TW_CHANNEL,
    conversationHostId: values.conversationHostId ?? TW_HOST_ID,
    conversationClientId: values.conversationClientId ?? TW_CLIENT_ID,
    context: contextText,
  };
  return template.replace(/\{\{\$(\w+)\}\}/g, (match, name: string) => all[name] ?? match);
}

export const TW_HANDOVER_CONTEXT = { owner: "bot", reason: "agent-closed", skill: "billing" };

/** The default template with a context object. */
export const twHandoverBody = (context: Record<string, unknown> = TW_HANDOVER_CONTEXT, values: Omit<TwHandoverValues, "context"> = {}) =>
  renderHandoverTemplate(TW_HANDOVER_TEMPLATE, { ...values, context });

/** The default template with an empty context: `"context":}`, invalid JSON. */
export const twHandoverEmptyContextBody = (values: Omit<TwHandoverValues, "context"> = {}) =>
  renderHandoverTemplate(TW_HANDOVER_TEMPLATE, { ...values, context: {} });

/** Our `[{{$context}}]` template: `[{…}]`, or `[]` when the context is empty. */
export const twHandoverWrappedBody = (context: Record<string, unknown> = TW_HANDOVER_CONTEXT, values: Omit<TwHandoverValues, "context"> = {}) =>
  renderHandoverTemplate(TW_HANDOVER_TEMPLATE_WRAPPED, { ...values, context });

// ---- events (docs/platforms/twoway.md §5) ----

export function twEvent(overrides: Partial<TwoWayEventInput> = {}): TwoWayEventInput {
  return { $type: "RouterSessionEnded", id: TW_EVENT_ID, createdOn: TW_EVENT_CREATED_ON, ...overrides };
}

/** A router event in the shape of docs/platforms/twoway.md §5: `RouterSessionEnded` in `conversationEvents`. */
export function twEventsBody(type = "RouterSessionEnded", overrides: Partial<TwoWayEventInput> = {}): Record<string, unknown> {
  const { sessionId: _sessionId, conversationClientName: _name, ...chat } = twChat();
  return { chat, conversationEvents: [twEvent({ $type: type, ...overrides })] };
}

/** Alternative shape: `eventType` / `eventId` / `chatId` at the top. */
export const twEventTypeBody = (type = "RouterSessionEnded"): Record<string, unknown> => ({
  eventType: type,
  eventId: TW_EVENT_ID,
  chatId: TW_CHAT_ID,
  createdOn: TW_EVENT_CREATED_ON,
});

/** Alternative shape: `type` / `id` / `chatId` at the top. */
export const twTypeBody = (type = "RouterSessionEnded"): Record<string, unknown> => ({
  type,
  id: TW_EVENT_ID,
  chatId: TW_CHAT_ID,
  createdOn: TW_EVENT_CREATED_ON,
});

/** Headers as configured on the message and handover endpoints. */
export function twHeaders(secret = TW_TEST_SECRET, headerName = TW_HEADER_NAME): Record<string, string> {
  return { "content-type": "application/json", [headerName]: secret };
}
