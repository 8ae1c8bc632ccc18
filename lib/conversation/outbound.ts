import * as z from "zod/mini";

/** Sends `postback` back to the bot as a postback message. */
const ReplySuggestion = z.object({ kind: z.literal("reply"), text: z.string(), postback: z.string() });
const UrlSuggestion = z.object({ kind: z.literal("url"), text: z.string(), url: z.string() });

/**
 * A suggestion (button, quick reply, chip). Every kind has the caption `text`.
 * Platforms show what they can and the renderers degrade the rest to text.
 */
export const Suggestion = z.discriminatedUnion("kind", [
  ReplySuggestion,
  UrlSuggestion,
  z.object({ kind: z.literal("dial"), text: z.string(), phone: z.string() }),
  /** Opens the user's composer with `body` addressed to `phone` (RCS). */
  z.object({ kind: z.literal("compose"), text: z.string(), phone: z.string(), body: z.string() }),
  z.object({
    kind: z.literal("map"),
    text: z.string(),
    latitude: z.number(),
    longitude: z.number(),
    label: z.optional(z.string()),
    url: z.optional(z.string()),
  }),
  z.object({
    kind: z.literal("calendar"),
    text: z.string(),
    title: z.string(),
    description: z.optional(z.string()),
    /** ISO 8601. */
    start: z.string(),
    end: z.string(),
  }),
]);
export type Suggestion = z.infer<typeof Suggestion>;

export const OutboundMedia = z.object({
  url: z.string(),
  name: z.optional(z.string()),
  mimeType: z.optional(z.string()),
  /** Bytes, when known: renderers check it against the channel's limits. */
  size: z.optional(z.number()),
  thumbnailUrl: z.optional(z.string()),
  /** Seconds, for audio and video. */
  playingLength: z.optional(z.number()),
});
export type OutboundMedia = z.infer<typeof OutboundMedia>;

export const Card = z.object({
  title: z.string(),
  description: z.optional(z.string()),
  media: z.optional(z.object({ url: z.string(), thumbnailUrl: z.optional(z.string()), height: z.optional(z.string()) })),
  suggestions: z.optional(z.array(Suggestion)),
});
export type Card = z.infer<typeof Card>;

/** One entry of a list: a title, optional details, and at most one action (a reply or a link). */
export const ListItem = z.object({
  title: z.string(),
  description: z.optional(z.string()),
  imageUrl: z.optional(z.string()),
  action: z.optional(z.discriminatedUnion("kind", [ReplySuggestion, UrlSuggestion])),
});
export type ListItem = z.infer<typeof ListItem>;

/** What the bot sends, whatever the platform. */
export const OutboundMessage = z.discriminatedUnion("type", [
  /** Text, optionally followed by suggestions (quick replies / buttons). */
  z.object({ type: z.literal("text"), text: z.string(), suggestions: z.optional(z.array(Suggestion)) }),
  z.object({
    type: z.literal("media"),
    kind: z.enum(["picture", "video", "audio"]),
    media: OutboundMedia,
    caption: z.optional(z.string()),
  }),
  z.object({ type: z.literal("file"), media: OutboundMedia, caption: z.optional(z.string()) }),
  z.object({ type: z.literal("fileList"), files: z.array(OutboundMedia), text: z.optional(z.string()) }),
  z.object({
    type: z.literal("location"),
    latitude: z.number(),
    longitude: z.number(),
    label: z.optional(z.string()),
    url: z.optional(z.string()),
  }),
  z.object({
    type: z.literal("contact"),
    name: z.string(),
    phone: z.optional(z.string()),
    email: z.optional(z.string()),
    address: z.optional(z.string()),
  }),
  z.object({ type: z.literal("card"), card: Card }),
  z.object({ type: z.literal("carousel"), cards: z.array(Card).check(z.minLength(1)) }),
  /** A vertical list (Kommunicate's list template); other platforms get it as text with its options. */
  z.object({
    type: z.literal("list"),
    header: z.optional(z.string()),
    items: z.array(ListItem).check(z.minLength(1)),
    suggestions: z.optional(z.array(Suggestion)),
  }),
]);
export type OutboundMessage = z.infer<typeof OutboundMessage>;
export type OutboundType = OutboundMessage["type"];
