/**
 * Kommunicate webhook reply shapes (docs/platforms/kommunicate.md §4) and the small, pure helpers that build them.
 * Rich messages carry `metadata: {contentType: "300", templateId, payload}`, both ids as STRINGS;
 * metadata values are plain objects (not stringified) in webhook replies.
 */

/** One element of the webhook reply array: one chat bubble. */
export type KommunicateMessage = { message: string; metadata?: Record<string, unknown> };

/** `contentType` of every rich message. */
export const RICH_CONTENT_TYPE = "300";

export const TEMPLATE = {
  linkButtons: "3",
  quickReplies: "6",
  images: "9",
  cards: "10",
  mixedButtons: "11",
  video: "14",
} as const;
export type KommunicateTemplateId = (typeof TEMPLATE)[keyof typeof TEMPLATE];

/** [assumed] Cards per template 10 carousel. */
export const MAX_CAROUSEL_CARDS = 10;
/** [assumed] Buttons per card. */
export const MAX_CARD_BUTTONS = 3;
/** [assumed] Suggested replies per template 6. */
export const MAX_QUICK_REPLIES = 10;
/** [assumed] Buttons per template 11 (mixed buttons). */
export const MAX_MIXED_BUTTONS = 10;
/** [assumed] Button label of a file or audio link when the file has no name. */
export const FILE_BUTTON_NAME = "Open file";
/** [assumed] Button label of a location link. */
export const MAP_BUTTON_NAME = "Open in Maps";
/** [assumed] Fallback text of a location without a label. */
export const LOCATION_TEXT = "Location";

/** Template 6: the widget sends `message` as the user's text when the reply is tapped. */
export interface KmQuickReply {
  title: string;
  message: string;
  replyMetadata?: Record<string, unknown>;
}
/** Template 11. */
export type KmMixedButton =
  | { name: string; type: "link"; action: { url: string } }
  | { name: string; type: "quickReply"; action: { message: string } };
/** Template 3, link flavour. */
export interface KmLinkButton {
  type: "link";
  url: string;
  name: string;
  openLinkInNewTab: true;
}
/** Template 9. */
export interface KmImage {
  url: string;
  caption?: string;
}
export type KmVideoSource = "youtube" | "vimeo";
/** Template 14: with `source` the widget plays the video in an iframe. */
export interface KmVideo {
  url: string;
  source?: KmVideoSource;
  caption?: string;
}
/** Template 10 card button. */
export interface KmCardButton {
  name: string;
  action: { type: "link"; payload: { url: string } } | { type: "quickReply"; payload: { message: string } };
}
/** Template 10 card. */
export interface KmCard {
  title: string;
  subtitle?: string;
  description?: string;
  header?: { imgSrc: string };
  buttons?: KmCardButton[];
}

export function template(message: string, templateId: KommunicateTemplateId, payload: readonly unknown[]): KommunicateMessage {
  return { message, metadata: { contentType: RICH_CONTENT_TYPE, templateId, payload } };
}


/** True for an absolute `https:` URL with a host and no surrounding whitespace (docs/platforms/kommunicate.md §4: https only). */
export function isHttpsUrl(url: string): boolean {
  if (url.trim() !== url) return false;
  try {
    const parsed = new URL(url);
    return parsed.protocol === "https:" && parsed.hostname !== "";
  } catch {
    return false;
  }
}

/** `tel:` URL of a phone number, whitespace removed; undefined when nothing is left. */
export function telUrl(phone: string): string | undefined {
  const compact = phone.replace(/\s+/g, "");
  return compact === "" ? undefined : `tel:${compact}`;
}

/** `youtube` / `vimeo` for links to those sites (template 14 `source`), else undefined. */
export function videoSource(url: string): KmVideoSource | undefined {
  let host: string;
  try {
    host = new URL(url).hostname.toLowerCase();
  } catch {
    return undefined;
  }
  const on = (domain: string): boolean => host === domain || host.endsWith(`.${domain}`);
  if (on("youtube.com") || on("youtu.be") || on("youtube-nocookie.com")) return "youtube";
  if (on("vimeo.com")) return "vimeo";
  return undefined;
}

export function linkButton(url: string, name: string): KmLinkButton {
  return { type: "link", url, name, openLinkInNewTab: true };
}
