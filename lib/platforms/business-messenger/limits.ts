/**
 * Business Messenger channel capabilities and limits, as data (docs/platforms/business-messenger.md §7: the vendor page's section 6).
 *
 * Reading rules (docs/platforms/business-messenger.md §7, §8): '?' and '·' = unsupported; ✓ whether native or emulated by BM
 * (including "URL [4]") = supported; where a limit cell is (l)/(m) or has another reading, the
 * stricter value is used. Values marked [assumed] are not in the vendor tables at all.
 */
import type { Suggestion } from "../../conversation";

export const BM_CHANNELS = [
  "SMS",
  "WhatsApp",
  "RCS",
  "Telegram",
  "Viber",
  "Facebook",
  "Instagram",
  "Email",
  "WebPush",
] as const;
export type Channel = (typeof BM_CHANNELS)[number];

/** Outbound body kinds of docs/platforms/business-messenger.md §4, as the renderer decides about them. */
export type BmOutboundKind =
  | "text"
  | "picture"
  | "video"
  | "audio"
  | "file"
  | "fileList"
  | "location"
  | "contact"
  | "card"
  | "carousel";

/** Suggestion actions, named after the neutral model's kinds (reply = replyWith, url = openUrl, …). */
export type SuggestionAction = Suggestion["kind"];

/** A text limit: plain characters (UTF-16 code units, the stricter count), or SMS units by encoding. */
export type TextLimit =
  | { unit: "chars"; max: number }
  | { unit: "sms"; gsm7Units: number; ucs2Units: number };

export interface CardLimits {
  maxButtons: number;
  titleChars?: number;
  descriptionChars?: number;
  /** Telegram: title + description + button captions together. */
  combinedChars?: number;
}

export type MediaLimitKind = "picture" | "video" | "audio" | "file" | "thumbnail" | "cardImage";

export interface ChannelProfile {
  channel: Channel;
  kinds: readonly BmOutboundKind[];
  actions: readonly SuggestionAction[];
  text: TextLimit;
  /** Limit for a text that native suggestions follow (WhatsApp 1024, Facebook 640). */
  textWithButtons: TextLimit;
  /** Native suggestions per reply; on channels without replyWith, numbered options per message. */
  maxSuggestions: number;
  buttonCaptionChars?: number;
  card?: CardLimits;
  carouselMaxCards?: number;
  /** Bytes; a missing kind has no published limit. */
  mediaBytes: Partial<Record<MediaLimitKind, number>>;
  imageExtensions: readonly string[];
  imageMimeTypes: readonly string[];
  /** Informational only (the row is mostly [assumed]); the renderer does not enforce it. */
  videoExtensions: readonly string[];
}

const KiB = 1024;
const MiB = 1024 * KiB;

const chars = (max: number): TextLimit => ({ unit: "chars", max });
const PNG_JPG = ["png", "jpg", "jpeg"] as const;
const PNG_JPG_GIF = ["png", "jpg", "jpeg", "gif"] as const;
const PNG_JPEG_MIME = ["image/png", "image/jpeg"] as const;
const PNG_JPEG_GIF_MIME = ["image/png", "image/jpeg", "image/gif"] as const;
const ALL_MEDIA: readonly BmOutboundKind[] = ["picture", "video", "audio", "file", "fileList"];

/** Text-only channels: SMS, Email, Web Push. */
const textOnly = (channel: Channel, text: TextLimit): ChannelProfile => ({
  channel,
  kinds: ["text"],
  actions: [],
  text,
  textWithButtons: text,
  // [assumed] numbered options 1–9 so every answer is one digit.
  maxSuggestions: 9,
  mediaBytes: {},
  imageExtensions: [],
  imageMimeTypes: [],
  videoExtensions: [],
});

export const BM_CHANNEL_PROFILES: Readonly<Record<Channel, ChannelProfile>> = {
  SMS: textOnly("SMS", { unit: "sms", gsm7Units: 918, ucs2Units: 402 }),

  WhatsApp: {
    channel: "WhatsApp",
    // carousel is '? (l)' → unsupported; openUrl is "templates only" → unsupported.
    kinds: ["text", ...ALL_MEDIA, "location", "contact", "card"],
    actions: ["reply"],
    text: chars(4096),
    textWithButtons: chars(1024),
    maxSuggestions: 3, // [assumed] WhatsApp reply buttons
    buttonCaptionChars: 20,
    card: { maxButtons: 3, titleChars: 60, descriptionChars: 1024 },
    // image: the vendor cell reads 25 MiB (m); WhatsApp's own limit is 5 MB.
    mediaBytes: { picture: 5 * MiB, video: 16 * MiB, audio: 16 * MiB, file: 100 * MiB, cardImage: 5 * MiB },
    imageExtensions: PNG_JPG,
    imageMimeTypes: PNG_JPEG_MIME,
    videoExtensions: ["mp4", "3gp"],
  },

  RCS: {
    channel: "RCS",
    kinds: ["text", ...ALL_MEDIA, "location", "contact", "card", "carousel"],
    actions: ["reply", "url", "dial", "compose", "map", "calendar"],
    text: chars(3072),
    textWithButtons: chars(3072),
    maxSuggestions: 11, // [assumed] RBM suggested-reply chips
    buttonCaptionChars: 25,
    card: { maxButtons: 4, titleChars: 200, descriptionChars: 2000 },
    carouselMaxCards: 10, // 11 (l), other reading 10: stricter
    mediaBytes: {
      picture: 100 * MiB,
      thumbnail: 100 * KiB,
      video: 100 * MiB,
      audio: 100 * MiB,
      file: 100 * MiB,
      cardImage: 100 * MiB,
    },
    imageExtensions: PNG_JPG_GIF,
    imageMimeTypes: PNG_JPEG_GIF_MIME,
    videoExtensions: ["mp4"],
  },

  Telegram: {
    channel: "Telegram",
    // carousel '? (l)' → unsupported; dialNumber '?' → unsupported; map emulated as URL.
    kinds: ["text", ...ALL_MEDIA, "location", "contact", "card"],
    actions: ["reply", "url", "map"],
    text: chars(4096),
    textWithButtons: chars(4096),
    maxSuggestions: 10, // [assumed] conservative; Telegram keyboards allow far more
    // '— (l)' with the swapped reading giving 2 buttons / 256 title / 50 caption: stricter.
    buttonCaptionChars: 50,
    card: { maxButtons: 2, titleChars: 256, combinedChars: 1024 },
    mediaBytes: {
      picture: 5 * MiB,
      thumbnail: 200 * KiB,
      video: 20 * MiB,
      audio: 20 * MiB,
      file: 20 * MiB,
      cardImage: 5 * MiB,
    },
    imageExtensions: PNG_JPG,
    imageMimeTypes: PNG_JPEG_MIME,
    videoExtensions: ["mp4"],
  },

  Viber: {
    channel: "Viber",
    // dialNumber '?' → unsupported; map emulated as URL.
    kinds: ["text", ...ALL_MEDIA, "location", "contact", "card", "carousel"],
    actions: ["reply", "url", "map"],
    text: chars(4096),
    textWithButtons: chars(4096),
    maxSuggestions: 3, // [assumed] conservative: Viber business messages are button-poor (2 per card)
    buttonCaptionChars: 50,
    card: { maxButtons: 2, titleChars: 256, descriptionChars: 512 },
    carouselMaxCards: 6,
    mediaBytes: {
      picture: 3 * MiB,
      thumbnail: 100 * KiB,
      video: 26 * MiB,
      audio: 50 * MiB,
      file: 50 * MiB,
      cardImage: 500 * KiB,
    },
    imageExtensions: PNG_JPG_GIF,
    imageMimeTypes: PNG_JPEG_GIF_MIME,
    videoExtensions: ["mp4"],
  },

  Facebook: {
    channel: "Facebook",
    kinds: ["text", ...ALL_MEDIA, "location", "contact", "card", "carousel"],
    actions: ["reply", "url", "dial", "map"],
    text: chars(2000),
    textWithButtons: chars(640),
    maxSuggestions: 13, // [assumed] Messenger quick replies
    buttonCaptionChars: 20,
    card: { maxButtons: 3, titleChars: 80, descriptionChars: 80 },
    carouselMaxCards: 10,
    mediaBytes: { picture: 25 * MiB, video: 25 * MiB, audio: 25 * MiB, file: 25 * MiB, cardImage: 25 * MiB },
    imageExtensions: PNG_JPG_GIF,
    imageMimeTypes: PNG_JPEG_GIF_MIME,
    videoExtensions: ["mp4"],
  },

  Instagram: {
    channel: "Instagram",
    // dialNumber '?' → unsupported.
    kinds: ["text", ...ALL_MEDIA, "location", "contact", "card", "carousel"],
    actions: ["reply", "url", "map"],
    text: chars(1000),
    textWithButtons: chars(1000),
    maxSuggestions: 13, // [assumed] Instagram quick replies
    buttonCaptionChars: 20,
    card: { maxButtons: 3, titleChars: 80, descriptionChars: 80 },
    carouselMaxCards: 10,
    mediaBytes: { picture: 25 * MiB, video: 25 * MiB, audio: 25 * MiB, file: 25 * MiB, cardImage: 25 * MiB },
    imageExtensions: PNG_JPG_GIF,
    imageMimeTypes: PNG_JPEG_GIF_MIME,
    videoExtensions: ["mp4"],
  },

  // '— (m)' text limits: [assumed] conservative caps instead of "unlimited".
  Email: textOnly("Email", chars(4096)),
  // Web Push payloads are about 4 KB including the envelope.
  WebPush: textOnly("WebPush", chars(1000)),
};

/** Spellings seen or plausible for each channel, compared without case, spaces or punctuation. */
const CHANNEL_ALIASES: Readonly<Record<string, Channel>> = {
  sms: "SMS",
  whatsapp: "WhatsApp",
  rcs: "RCS",
  rbm: "RCS",
  rcsrbm: "RCS",
  telegram: "Telegram",
  viber: "Viber",
  facebook: "Facebook",
  messenger: "Facebook",
  facebookmessenger: "Facebook",
  instagram: "Instagram",
  email: "Email",
  webpush: "WebPush",
};

export interface ResolvedChannel {
  channel: Channel;
  /** false when the raw name was missing or not recognised (the SMS profile is used then). */
  known: boolean;
  raw: string | undefined;
}

/** Maps BM's `channel` to a canonical channel; unknown names get the SMS profile (docs/platforms/business-messenger.md §2). */
export function resolveBmChannel(raw: string | undefined): ResolvedChannel {
  const key = raw?.toLowerCase().replace(/[^a-z0-9]/g, "") ?? "";
  const channel = CHANNEL_ALIASES[key];
  return channel ? { channel, known: true, raw } : { channel: "SMS", known: false, raw };
}

export function normaliseBmChannel(raw: string | undefined): Channel {
  return resolveBmChannel(raw).channel;
}

export function bmChannelProfile(raw: string | undefined): ChannelProfile {
  return BM_CHANNEL_PROFILES[normaliseBmChannel(raw)];
}

export function supportsKind(profile: ChannelProfile, kind: BmOutboundKind): boolean {
  return profile.kinds.includes(kind);
}

export function supportsAction(profile: ChannelProfile, action: SuggestionAction): boolean {
  return profile.actions.includes(action);
}
