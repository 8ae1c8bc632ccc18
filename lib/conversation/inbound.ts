import * as z from "zod/mini";

/** A media object the user sent (picture, video, audio, file). */
export const MediaRef = z.object({
  url: z.string(),
  name: z.optional(z.string()),
  mimeType: z.optional(z.string()),
  size: z.optional(z.number()),
});
export type MediaRef = z.infer<typeof MediaRef>;

/** What the user sent, whatever the platform. */
export const InboundMessage = z.discriminatedUnion("type", [
  z.object({ type: z.literal("text"), text: z.string() }),
  z.object({ type: z.literal("picture"), media: MediaRef, caption: z.optional(z.string()) }),
  z.object({ type: z.literal("video"), media: MediaRef, caption: z.optional(z.string()) }),
  z.object({ type: z.literal("audio"), media: MediaRef }),
  z.object({ type: z.literal("file"), media: MediaRef, caption: z.optional(z.string()) }),
  z.object({ type: z.literal("fileList"), files: z.array(MediaRef), text: z.optional(z.string()) }),
  z.object({
    type: z.literal("location"),
    latitude: z.number(),
    longitude: z.number(),
    label: z.optional(z.string()),
  }),
  z.object({
    type: z.literal("contact"),
    name: z.optional(z.string()),
    phone: z.optional(z.string()),
    email: z.optional(z.string()),
    address: z.optional(z.string()),
  }),
  /** A tap on a suggestion / quick reply / button: `postback` is what the bot put there. */
  z.object({ type: z.literal("postback"), postback: z.string(), text: z.optional(z.string()) }),
  /** A platform event (welcome, conversation started, …); `name` is normalised, `data` is the platform's. */
  z.object({ type: z.literal("event"), name: z.string(), data: z.optional(z.record(z.string(), z.unknown())) }),
]);
export type InboundMessage = z.infer<typeof InboundMessage>;
export type InboundType = InboundMessage["type"];

/** The platform-neutral unit of work: one inbound message in one conversation. */
export interface Turn {
  /** Short platform name, e.g. "bm", "twoway", "engage", "kommunicate". */
  platform: string;
  /** The platform's conversation id (BM dialogUuid, Kommunicate groupId, …). */
  conversationId: string;
  userId: string;
  /** Unique per inbound message: the dedupe key. */
  messageId: string;
  /** The platform's channel (e.g. BM "SMS", "Viber"), when it has one. */
  channel?: string;
  locale?: string;
  userName?: string;
  message: InboundMessage;
  /** Epoch milliseconds when we received it. */
  receivedAt: number;
}

/** The text a dialog state sees for a message: text, a postback, or nothing. */
export function inboundText(message: InboundMessage): string | undefined {
  switch (message.type) {
    case "text":
      return message.text;
    case "postback":
      return message.postback;
    default:
      return undefined;
  }
}

/** A one-line summary for history and transcripts. */
export function describeInbound(message: InboundMessage): string {
  switch (message.type) {
    case "text":
      return message.text;
    case "postback":
      return message.text ?? message.postback;
    case "picture":
    case "video":
    case "audio":
    case "file":
      return `[${message.type}] ${message.media.name ?? message.media.url}`;
    case "fileList":
      return `[files] ${message.files.map((f) => f.name ?? f.url).join(", ")}`;
    case "location":
      return `[location] ${message.latitude},${message.longitude}${message.label ? ` ${message.label}` : ""}`;
    case "contact":
      return `[contact] ${[message.name, message.phone, message.email].filter(Boolean).join(" ")}`;
    case "event":
      return `[event] ${message.name}`;
  }
}
