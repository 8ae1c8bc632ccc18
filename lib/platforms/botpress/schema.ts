/**
 * zod schemas for what Business Messenger sends to Botpress v12 (docs/platforms/botpress.md §2, §3): the
 * login body and the converse body. v12 puts the converse body as-is into the event's payload, so Business Messenger's
 * `event.payload.<field>` fields sit at the top level of the body. Unknown keys (`includedContexts`,
 * `metadata`, …) are accepted and ignored.
 */
import * as z from "zod/mini";
import { fitsIdBytes, ID_TOO_LONG } from "../../http/lenient";

export const BotpressLoginRequest = z.object({
  email: z.string(),
  password: z.string(),
});
export type BotpressLoginRequest = z.infer<typeof BotpressLoginRequest>;

/** `{userId}` names the conversation: a DynamoDB key part, bounded like every platform's ids. */
export const BotpressUserId = z.string().check(z.minLength(1), z.refine(fitsIdBytes, { error: ID_TOO_LONG }));

/** Business Messenger's inbound types (docs/platforms/botpress.md §3), plus v12 webchat's button answers (quick_reply, postback), which carry `payload`. */
export const BOTPRESS_INBOUND_TYPES = ["text", "image", "audio", "video", "file", "location", "response", "quick_reply", "postback"] as const;
export type BotpressInboundType = (typeof BOTPRESS_INBOUND_TYPES)[number];

/** `type` alone, read first so that each type's own fields are checked (and named) in a 400. v12: default `text`. */
export const BotpressConverseType = z.object({
  type: z._default(z.enum(BOTPRESS_INBOUND_TYPES), "text"),
});

const nonEmpty = z.string().check(z.minLength(1));
const caption = z.optional(z.string());

/** A coordinate: a JSON number, or a numeric string (some senders quote numbers). */
const coordinate = (min: number, max: number) =>
  z.pipe(
    z.union([z.number(), z.pipe(z.string().check(z.regex(/^\s*-?\d+(\.\d+)?\s*$/)), z.transform(Number))]),
    z.number().check(z.gte(min), z.lte(max)),
  );

export const BotpressText = z.object({ text: nonEmpty });
export const BotpressImage = z.object({ image: nonEmpty, title: caption });
export const BotpressAudio = z.object({ audio: nonEmpty, title: caption });
export const BotpressVideo = z.object({ video: nonEmpty, title: caption });
export const BotpressFile = z.object({ file: nonEmpty, title: caption });
export const BotpressLocation = z.object({
  latitude: coordinate(-90, 90),
  longitude: coordinate(-180, 180),
  title: caption,
  address: caption,
});
/** `response` names the kind (question, order, form…), `responseData` holds the answer as an object. */
export const BotpressResponse = z.object({
  response: nonEmpty,
  responseData: z._default(z.record(z.string(), z.unknown()), {}),
});
export const BotpressButtonAnswer = z.object({ payload: nonEmpty, text: caption });

/** The schema of each inbound type's own fields. */
export const BOTPRESS_TYPE_SCHEMAS = {
  text: BotpressText,
  image: BotpressImage,
  audio: BotpressAudio,
  video: BotpressVideo,
  file: BotpressFile,
  location: BotpressLocation,
  response: BotpressResponse,
  quick_reply: BotpressButtonAnswer,
  postback: BotpressButtonAnswer,
} as const satisfies Record<BotpressInboundType, z.ZodMiniType>;

/** A parsed converse body: its type and that type's fields. */
export type BotpressConverseRequest = {
  [T in BotpressInboundType]: { type: T } & z.infer<(typeof BOTPRESS_TYPE_SCHEMAS)[T]>;
}[BotpressInboundType];
