import * as z from "zod";

/**
 * A suggestion (button, quick reply, chip). Every kind has the caption `text`.
 * Platforms show what they can and the renderers degrade the rest to text.
 */
export const Suggestion = z.discriminatedUnion("kind", [
  /** Sends `postback` back to the bot as a postback message. */
  z.object({ kind: z.literal("reply"), text: z.string(), postback: z.string() }),
  z.object({ kind: z.literal("url"), text: z.string(), url: z.string() }),
  z.object({ kind: z.literal("dial"), text: z.string(), phone: z.string() }),
  /** Opens the user's composer with `body` addressed to `phone` (RCS). */
  z.object({ kind: z.literal("compose"), text: z.string(), phone: z.string(), body: z.string() }),
  z.object({
    kind: z.literal("map"),
    text: z.string(),
    latitude: z.number(),
    longitude: z.number(),
    label: z.string().optional(),
    url: z.string().optional(),
  }),
  z.object({
    kind: z.literal("calendar"),
    text: z.string(),
    title: z.string(),
    description: z.string().optional(),
    /** ISO 8601. */
    start: z.string(),
    end: z.string(),
  }),
]);
export type Suggestion = z.infer<typeof Suggestion>;

export const OutboundMedia = z.object({
  url: z.string(),
  name: z.string().optional(),
  mimeType: z.string().optional(),
  /** Bytes, when known: renderers check it against the channel's limits. */
  size: z.number().optional(),
  thumbnailUrl: z.string().optional(),
  /** Seconds, for audio and video. */
  playingLength: z.number().optional(),
});
export type OutboundMedia = z.infer<typeof OutboundMedia>;

export const Card = z.object({
  title: z.string(),
  description: z.string().optional(),
  media: z.object({ url: z.string(), thumbnailUrl: z.string().optional(), height: z.string().optional() }).optional(),
  suggestions: z.array(Suggestion).optional(),
});
export type Card = z.infer<typeof Card>;

/** One entry of a list: a title, optional details, and at most one action (a reply or a link). */
export const ListItem = z.object({
  title: z.string(),
  description: z.string().optional(),
  imageUrl: z.string().optional(),
  action: z.discriminatedUnion("kind", [Suggestion.options[0], Suggestion.options[1]]).optional(),
});
export type ListItem = z.infer<typeof ListItem>;

/** What the bot sends, whatever the platform. */
export const OutboundMessage = z.discriminatedUnion("type", [
  /** Text, optionally followed by suggestions (quick replies / buttons). */
  z.object({ type: z.literal("text"), text: z.string(), suggestions: z.array(Suggestion).optional() }),
  z.object({
    type: z.literal("media"),
    kind: z.enum(["picture", "video", "audio"]),
    media: OutboundMedia,
    caption: z.string().optional(),
  }),
  z.object({ type: z.literal("file"), media: OutboundMedia, caption: z.string().optional() }),
  z.object({ type: z.literal("fileList"), files: z.array(OutboundMedia), text: z.string().optional() }),
  z.object({
    type: z.literal("location"),
    latitude: z.number(),
    longitude: z.number(),
    label: z.string().optional(),
    url: z.string().optional(),
  }),
  z.object({
    type: z.literal("contact"),
    name: z.string(),
    phone: z.string().optional(),
    email: z.string().optional(),
    address: z.string().optional(),
  }),
  z.object({ type: z.literal("card"), card: Card }),
  z.object({ type: z.literal("carousel"), cards: z.array(Card).min(1) }),
  /** A vertical list (Kommunicate's list template); other platforms get it as text with its options. */
  z.object({
    type: z.literal("list"),
    header: z.string().optional(),
    items: z.array(ListItem).min(1),
    suggestions: z.array(Suggestion).optional(),
  }),
]);
export type OutboundMessage = z.infer<typeof OutboundMessage>;
export type OutboundType = OutboundMessage["type"];
