/**
 * zod schemas for what Kommunicate POSTs to our custom-bot webhook (docs/platforms/kommunicate.md §2).
 * Every object is loose (unknown fields kept). Ids may arrive as JSON numbers and are turned into
 * strings; `metadata` and `KM_CHAT_CONTEXT` may arrive as JSON strings (the web widget does that).
 */
import * as z from "zod/mini";
import { isPlainObject, lenientNumber, lenientString, numeric, optionalId, parseJsonObject, preprocess, idLength, requiredId, stringish } from "../../http/lenient";

/** A JSON object, or a string holding one; anything else becomes undefined. */
const lenientObject = z.catch(
  preprocess((value) => (typeof value === "string" ? parseJsonObject(value) : value), z.optional(z.record(z.string(), z.unknown()))),
  undefined,
);

export const KmAttachmentPayload = z.looseObject({
  name: lenientString,
  url: lenientString,
  size: lenientNumber,
  lat: lenientNumber,
  lon: lenientNumber,
});
export type KmAttachmentPayload = z.infer<typeof KmAttachmentPayload>;

/** One entry of `KM_CHAT_CONTEXT.attachments`: `type` is a MIME type or `"location"`. */
export const KmAttachment = z.looseObject({
  type: z.string(),
  payload: KmAttachmentPayload,
});
export type KmAttachment = z.infer<typeof KmAttachment>;
export type KmAttachmentInput = z.input<typeof KmAttachment>;

/** Keeps the attachments that parse and drops the others: one odd entry must not hide the rest. */
const attachmentList = z.pipe(
  z.array(z.unknown()),
  z.transform((items: unknown[]) =>
    items.flatMap((item) => {
      const parsed = KmAttachment.safeParse(item);
      return parsed.success ? [parsed.data] : [];
    }),
  ),
);

/**
 * `metadata.KM_CHAT_CONTEXT`: locale, form data, attachments and any custom context. Every field is
 * lenient: a malformed field is dropped, it never rejects the context (or the request).
 */
export const KmChatContext = z.looseObject({
  kmUserLocale: lenientString,
  kmUserLanguageCode: lenientString,
  formData: lenientObject,
  attachments: z.catch(z.optional(attachmentList), undefined),
});
export type KmChatContext = z.infer<typeof KmChatContext>;
export type KmChatContextInput = z.input<typeof KmChatContext>;

/**
 * `metadata`: an object, or a JSON string holding one. A blank string or null counts as absent;
 * any other string that is not a JSON object is an issue at path `metadata`.
 */
const Metadata = z.optional(
  preprocess((value, ctx) => {
    if (value === null) return undefined;
    if (typeof value !== "string") return value;
    if (value.trim() === "") return undefined;
    const parsed = parseJsonObject(value);
    if (parsed === undefined) {
      ctx.issues.push({ code: "custom", message: "metadata is a string but not a JSON object", input: value });
      return value;
    }
    return parsed;
  }, z.optional(z.record(z.string(), z.unknown()))),
);

/** The request POSTed to `/kommunicate/webhook` for every message (and event) sent to the bot. */
export const KommunicateWebhookRequest = z.looseObject({
  botId: z.nullish(stringish),
  /** Unique message id: our dedupe key. */
  key: z.string().check(z.minLength(1), idLength),
  /** The user id (the bank bot keys accounts by it). */
  from: optionalId,
  /** Absent or "" on events. */
  message: z.nullish(z.string()),
  /** Conversation id: always a string, even when Kommunicate sends a number. */
  groupId: requiredId,
  metadata: Metadata,
  contentType: z.nullish(stringish),
  applicationKey: z.nullish(stringish),
  source: z.nullish(stringish),
  /** `WELCOME`, `KOMMUNICATE_MEDIA_EVENT`, …; "" or absent for plain messages. */
  eventName: z.nullish(z.string()),
  /** Epoch milliseconds. */
  createdAt: z.nullish(numeric),
});
export type KommunicateWebhookRequest = z.infer<typeof KommunicateWebhookRequest>;
/** What a fixture or simulator may send (numbers as strings, metadata as a JSON string, …). */
export type KommunicateWebhookRequestInput = z.input<typeof KommunicateWebhookRequest>;

/**
 * The parsed `KM_CHAT_CONTEXT` of a request's metadata, whether it came as an object or as a JSON
 * string. Absent, unparseable or not an object → undefined. Never throws.
 */
export function chatContext(metadata: Record<string, unknown> | null | undefined): KmChatContext | undefined {
  const raw = metadata?.KM_CHAT_CONTEXT;
  const value = typeof raw === "string" ? parseJsonObject(raw) : raw;
  if (!isPlainObject(value)) return undefined;
  const parsed = KmChatContext.safeParse(value);
  return parsed.success ? parsed.data : undefined;
}
