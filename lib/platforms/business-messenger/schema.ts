/**
 * zod schemas for what Business Messenger POSTs to us (docs/platforms/business-messenger.md §2).
 * The vendor publishes no JSON examples, so every object is loose (unknown fields kept),
 * contact fields may be null, and numbers may arrive as strings.
 */
import * as z from "zod/mini";
import { boundedText, idLength, numeric, optionalId, stringish } from "../../http/lenient";

const optString = z.nullish(z.string());

export const BmFile = z.looseObject({
  name: optString,
  url: optString,
  mimeType: optString,
  size: z.nullish(numeric),
  thumbnailName: optString,
  thumbnailUrl: optString,
  thumbnailMimeType: optString,
  thumbnailSize: z.nullish(numeric),
  fileType: optString,
});
export type BmFile = z.infer<typeof BmFile>;

export const BmInboundSuggestion = z.looseObject({
  text: optString,
  postback: optString,
});

/** One inbound message body: no discriminator is published, so every documented field is optional. */
export const BmInboundBody = z.extend(BmFile, {
  content: optString,
  postback: optString,
  // picture / video / audio / file: BmFile's fields, plus
  playingLength: z.nullish(numeric),
  // file list
  text: optString,
  files: z.nullish(z.array(BmFile)),
  // location
  latitude: z.nullish(numeric),
  longitude: z.nullish(numeric),
  // contact
  phone: optString,
  email: optString,
  address: optString,
  suggestions: z.nullish(z.array(BmInboundSuggestion)),
  layout: z.optional(z.unknown()),
});
export type BmInboundBody = z.infer<typeof BmInboundBody>;

export const BmContact = z.looseObject({
  /** The user id when present (the bank bot keys accounts by it). */
  uuid: optionalId,
  first_name: boundedText,
  last_name: boundedText,
  nick_name: boundedText,
  language: optString,
  mobile: z.nullish(stringish),
  phone: z.nullish(stringish),
  email: optString,
  country: optString,
  opt_status: optString,
  channel_names: optString,
  created_dt: optString,
  updated_dt: optString,
});
export type BmContact = z.infer<typeof BmContact>;

export const BmMessage = z.looseObject({
  /** The user id when the contact has no uuid. */
  from: optionalId,
  to: z.nullish(z.array(z.looseObject({ number: z.nullish(stringish), alias: optString }))),
  providerMsgID: optionalId,
  allowedChannels: z.nullish(z.array(z.string())),
  custom: z.nullish(z.array(z.unknown())),
  body: BmInboundBody,
});
export type BmMessage = z.infer<typeof BmMessage>;

/** The request POSTed to `/bm/webhook` for every inbound end-user message. */
export const BmWebhookRequest = z.looseObject({
  serviceUuid: optString,
  dialogUuid: z.string().check(z.minLength(1), idLength),
  channel: z.string(),
  message: BmMessage,
  contact: z.nullish(BmContact),
});
export type BmWebhookRequest = z.infer<typeof BmWebhookRequest>;
/** What a fixture or simulator may send (numbers as strings etc.). */
export type BmWebhookRequestInput = z.input<typeof BmWebhookRequest>;

function isAbsent(value: unknown): boolean {
  return value === undefined || value === null;
}

/**
 * Debug-mode error reports carry only error information (docs/platforms/business-messenger.md §1, §2): a JSON object with `error` /
 * `errors`, or one with neither `dialogUuid` nor `message`. They get a 200, never a 400.
 * A message request missing only one of the two is a malformed request (400 naming the field), and an
 * empty object or anything that is not a JSON object is not a report either.
 */
export function isBmDebugReport(json: unknown): boolean {
  if (typeof json !== "object" || json === null || Array.isArray(json)) return false;
  const record = json as Record<string, unknown>;
  if (!isAbsent(record.error) || !isAbsent(record.errors)) return true;
  return Object.keys(record).length > 0 && isAbsent(record.dialogUuid) && isAbsent(record.message);
}
