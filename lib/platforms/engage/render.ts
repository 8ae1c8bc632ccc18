/**
 * Neutral outbound messages → Engage API-step `messages` (2020 `{type, config}` format, docs/platforms/engage.md §4),
 * degraded to what the channel can show (docs/platforms/engage.md §8). Pure and deterministic: the caller logs
 * `degradations`. Undefined fields are never emitted, so the JSON is clean.
 *
 * Postback convention: a `reply` suggestion's `postback` is the Engage dialog-state id to jump to,
 * optionally followed by `?key=value&key2=value2`. Keys and values are percent-decoded ("+" stays
 * a plus) and become `payload.params: [{key, value}]`; `params` is omitted when there are none.
 *   "st_42?card_type=savings_account" → {nextDialogstateId: "st_42", params: [{key: "card_type", value: "savings_account"}]}
 */
import {
  assertNever,
  cardText,
  contactText,
  listAsText,
  locationText,
  suggestionLine,
  withLines,
  type Card,
  type OutboundMedia,
  type OutboundMessage,
  type Suggestion,
} from "../../conversation";
import { type EngageChannelProfile, resolveEngageChannel } from "./channels";
import { mapsUrl } from "../../conversation/text";

/** [assumed] Buttons per `buttons` message and per carousel element. */
export const MAX_BUTTONS = 3;
/** [assumed] Quick replies per `quickReplies` message. */
export const MAX_QUICK_REPLIES = 13;
/** [assumed] Button and quick-reply titles, "…" included. */
export const MAX_TITLE_CHARS = 20;
/** [assumed] Elements per carousel. */
export const MAX_CAROUSEL_ELEMENTS = 10;

export interface EngageText {
  text: string;
}
export interface EngageParam {
  key: string;
  value: string;
}
export interface EngagePostbackPayload {
  nextDialogstateId: string;
  params?: EngageParam[];
}
export type EngageButton =
  | { type: "postback"; title: string; payload: EngagePostbackPayload }
  | { type: "web_url"; title: string; url: string }
  | { type: "phone_number"; title: string; payload: string };
export interface EngageQuickReply {
  type: "postback";
  title: string;
  payload: EngagePostbackPayload;
}
export interface EngageCarouselElement {
  title: string;
  subTitle?: string;
  imageUrl?: string;
  webUrl?: string;
  buttons?: EngageButton[];
}
export type EngageMediaType = "image" | "video" | "audio" | "attachment";

export type EngageMessage =
  | { type: "text"; config: { textMessages: EngageText[] } }
  | { type: "buttons"; config: { textMessages: EngageText[]; buttons: EngageButton[] } }
  | { type: "quickReplies"; config: { textMessages: EngageText[]; quickReplies: EngageQuickReply[] } }
  | { type: "carousel"; config: { elements: EngageCarouselElement[] } }
  | { type: "media"; config: { media: { type: EngageMediaType; url: string } } };

export interface EngageRenderOptions {
  /** Engage's `internal.channel` (`web`, `whatsapp`, `facebook`, …), case-insensitive. */
  channel?: string;
}

export interface EngageRenderResult {
  messages: EngageMessage[];
  /** Human-readable notes on everything cut, truncated or turned into text. */
  degradations: string[];
}

interface Ctx {
  readonly profile: EngageChannelProfile;
  readonly label: string;
  readonly messages: EngageMessage[];
  readonly degradations: string[];
}

type ReplySuggestion = Extract<Suggestion, { kind: "reply" }>;
type LinkSuggestion = Extract<Suggestion, { kind: "url" | "dial" | "map" }>;
type TextOnlySuggestion = Extract<Suggestion, { kind: "compose" | "calendar" }>;

/** What Engage makes of a suggestion: a postback, a link-like button, or only a text line. */
function roleOf(s: Suggestion): "reply" | "link" | "textOnly" {
  switch (s.kind) {
    case "reply":
      return "reply";
    case "url":
    case "dial":
    case "map":
      return "link";
    case "compose":
    case "calendar":
      return "textOnly";
    default:
      return assertNever(s, "suggestion kind");
  }
}

const isReply = (s: Suggestion): s is ReplySuggestion => roleOf(s) === "reply";
const isLink = (s: Suggestion): s is LinkSuggestion => roleOf(s) === "link";
const isTextOnly = (s: Suggestion): s is TextOnlySuggestion => roleOf(s) === "textOnly";


/** Cuts to `max` characters (code points), "…" included, at a word boundary when one is near. */
export function truncateTitle(text: string, max: number = MAX_TITLE_CHARS): string {
  const chars = Array.from(text);
  if (chars.length <= max) return text;
  if (max < 1) return "";
  let end = max - 1;
  if (!/\s/.test(chars[end] ?? "")) {
    for (let i = end - 1; i >= end / 2; i--) {
      if (/\s/.test(chars[i] ?? "")) {
        end = i;
        break;
      }
    }
  }
  return `${chars.slice(0, end).join("").trimEnd()}…`;
}

function decode(part: string): string {
  try {
    return decodeURIComponent(part);
  } catch {
    return part;
  }
}

/** The postback convention (see the file header). */
export function parsePostback(postback: string): EngagePostbackPayload {
  const q = postback.indexOf("?");
  if (q < 0) return { nextDialogstateId: postback };
  const params: EngageParam[] = [];
  for (const pair of postback.slice(q + 1).split("&")) {
    if (pair === "") continue;
    const eq = pair.indexOf("=");
    const key = decode(eq < 0 ? pair : pair.slice(0, eq));
    if (key === "") continue;
    params.push({ key, value: eq < 0 ? "" : decode(pair.slice(eq + 1)) });
  }
  const nextDialogstateId = postback.slice(0, q);
  return params.length > 0 ? { nextDialogstateId, params } : { nextDialogstateId };
}

function title(ctx: Ctx, text: string): string {
  const cut = truncateTitle(text);
  if (cut !== text) ctx.degradations.push(`title "${text}" truncated to ${MAX_TITLE_CHARS} chars`);
  return cut;
}

function button(ctx: Ctx, s: ReplySuggestion | LinkSuggestion): EngageButton {
  switch (s.kind) {
    case "reply":
      return { type: "postback", title: title(ctx, s.text), payload: parsePostback(s.postback) };
    case "url":
      return { type: "web_url", title: title(ctx, s.text), url: s.url };
    case "map":
      return { type: "web_url", title: title(ctx, s.text), url: s.url ?? mapsUrl(s.latitude, s.longitude) };
    case "dial":
      return { type: "phone_number", title: title(ctx, s.text), payload: s.phone };
  }
}

/** compose/calendar have no Engage button: they always become lines. */
function textOnlyLines(ctx: Ctx, suggestions: readonly Suggestion[], where: string): string[] {
  return suggestions.filter(isTextOnly).map((s) => {
    ctx.degradations.push(`${s.kind} suggestion "${s.text}" ${where} has no Engage button: sent as a text line`);
    return suggestionLine(s);
  });
}

/**
 * Suggestions → at most MAX_BUTTONS buttons, kept in their original order. Replies get the slots
 * first (they have no text form); the remaining slots go to url/dial/map in order, and the links
 * left over become "Caption: value" lines. Replies beyond the cap are cut.
 */
function buttonsFor(ctx: Ctx, suggestions: readonly Suggestion[], where: string): { buttons: EngageButton[]; lines: string[] } {
  const lines = textOnlyLines(ctx, suggestions, where);
  const replies = suggestions.filter(isReply);
  const links = suggestions.filter(isLink);
  const keptReplies = replies.slice(0, MAX_BUTTONS);
  const keptLinks = links.slice(0, MAX_BUTTONS - keptReplies.length);
  if (replies.length > keptReplies.length) {
    ctx.degradations.push(`${replies.length - keptReplies.length} reply suggestion(s) ${where} cut (max ${MAX_BUTTONS} buttons)`);
  }
  for (const s of links.slice(keptLinks.length)) {
    ctx.degradations.push(`${s.kind} suggestion "${s.text}" ${where} over ${MAX_BUTTONS} buttons: sent as a text line`);
    lines.push(suggestionLine(s));
  }
  const kept = new Set<Suggestion>([...keptReplies, ...keptLinks]);
  const buttons = suggestions.filter((s): s is ReplySuggestion | LinkSuggestion => kept.has(s)).map((s) => button(ctx, s));
  return { buttons, lines };
}

function emitText(ctx: Ctx, ...texts: string[]): void {
  ctx.messages.push({ type: "text", config: { textMessages: texts.map((text) => ({ text })) } });
}

function renderText(ctx: Ctx, text: string, suggestions: readonly Suggestion[]): void {
  const where = "after a text";
  const hasReplies = suggestions.some(isReply);
  const hasLinks = suggestions.some(isLink);
  if (!hasReplies && !hasLinks) {
    emitText(ctx, withLines(text, textOnlyLines(ctx, suggestions, where)));
    return;
  }
  if (!hasLinks && ctx.profile.quickReplies) {
    const lines = textOnlyLines(ctx, suggestions, where);
    const replies = suggestions.filter(isReply);
    if (replies.length > MAX_QUICK_REPLIES) {
      ctx.degradations.push(`${replies.length - MAX_QUICK_REPLIES} quick reply(ies) ${where} cut (max ${MAX_QUICK_REPLIES})`);
    }
    const quickReplies = replies.slice(0, MAX_QUICK_REPLIES).map(
      (s): EngageQuickReply => ({ type: "postback", title: title(ctx, s.text), payload: parsePostback(s.postback) }),
    );
    ctx.messages.push({ type: "quickReplies", config: { textMessages: [{ text: withLines(text, lines) }], quickReplies } });
    return;
  }
  if (!hasLinks) ctx.degradations.push(`quick replies need approved templates on ${ctx.label}: sent as postback buttons`);
  const { buttons, lines } = buttonsFor(ctx, suggestions, where);
  ctx.messages.push({ type: "buttons", config: { textMessages: [{ text: withLines(text, lines) }], buttons } });
}

function emitMedia(ctx: Ctx, type: EngageMediaType, media: OutboundMedia, caption: string | undefined): void {
  // Engage media objects have no caption: it goes first, as a text message.
  if (caption) emitText(ctx, caption);
  // Nor a name: without a caption, the name that labels a file is cut.
  else if (type === "attachment" && media.name) ctx.degradations.push(`file name "${media.name}" left out (Engage attachments have no name)`);
  ctx.messages.push({ type: "media", config: { media: { type, url: media.url } } });
}

const MEDIA_TYPES = { picture: "image", video: "video", audio: "audio" } as const satisfies Record<string, EngageMediaType>;

/** One carousel element; suggestions that cannot be buttons are pushed to `lines`. */
function element(ctx: Ctx, card: Card, lines: string[], titled: boolean): EngageCarouselElement {
  const suggestions = card.suggestions ?? [];
  const out: EngageCarouselElement = { title: card.title };
  if (card.description) out.subTitle = card.description;
  if (card.media?.url) out.imageUrl = card.media.url;
  const only = suggestions.length === 1 ? suggestions[0] : undefined;
  if (only?.kind === "url") {
    out.webUrl = only.url;
    ctx.degradations.push(`url suggestion "${only.text}" on card "${card.title}": the card links to it, its caption left out`);
    return out;
  }
  const rendered = buttonsFor(ctx, suggestions, `on card "${card.title}"`);
  if (rendered.buttons.length > 0) out.buttons = rendered.buttons;
  if (rendered.lines.length > 0) lines.push(...(titled ? [card.title, ...rendered.lines] : rendered.lines));
  return out;
}

/** A card as a text block: title, description, image URL, then one line per suggestion. */
function cardAsText(card: Card): string {
  return cardText(card, (card.suggestions ?? []).map((s) => (isReply(s) ? `• ${s.text}` : suggestionLine(s))));
}

function renderCards(ctx: Ctx, cards: readonly Card[], what: "card" | "carousel"): void {
  if (!ctx.profile.carousel) {
    // Reply suggestions are listed without numbers: Engage's own NLP handles what the user types.
    ctx.degradations.push(`${what} not supported on ${ctx.label}: ${cards.length} card(s) sent as text`);
    emitText(ctx, ...cards.map(cardAsText));
    return;
  }
  if (cards.length > MAX_CAROUSEL_ELEMENTS) {
    ctx.degradations.push(`carousel of ${cards.length} cards cut to ${MAX_CAROUSEL_ELEMENTS}`);
  }
  const kept = cards.slice(0, MAX_CAROUSEL_ELEMENTS);
  const lines: string[] = [];
  const elements = kept.map((card) => element(ctx, card, lines, kept.length > 1));
  ctx.messages.push({ type: "carousel", config: { elements } });
  if (lines.length > 0) emitText(ctx, lines.join("\n"));
}

function renderOne(ctx: Ctx, m: OutboundMessage): void {
  switch (m.type) {
    case "text":
      return renderText(ctx, m.text, m.suggestions ?? []);
    case "media":
      return emitMedia(ctx, MEDIA_TYPES[m.kind], m.media, m.caption);
    case "file":
      return emitMedia(ctx, "attachment", m.media, m.caption);
    case "fileList":
      if (m.text) emitText(ctx, m.text);
      for (const f of m.files) emitMedia(ctx, "attachment", f, undefined);
      return;
    case "location":
      ctx.degradations.push("location has no Engage message type: sent as text");
      return emitText(ctx, locationText(m));
    case "contact":
      ctx.degradations.push("contact has no Engage message type: sent as text");
      return emitText(ctx, contactText(m));
    case "card":
      return renderCards(ctx, [m.card], "card");
    case "carousel":
      return renderCards(ctx, m.cards, "carousel");
    case "list": {
      // The docs name a list type but show no API-step example (docs/platforms/engage.md §4): text with its options instead.
      ctx.degradations.push("list sent as text with its options");
      const text = listAsText(m);
      return renderOne(ctx, text);
    }
    default:
      return assertNever(m);
  }
}

export function renderEngage(messages: readonly OutboundMessage[], options: EngageRenderOptions = {}): EngageRenderResult {
  const { name, profile } = resolveEngageChannel(options.channel);
  const ctx: Ctx = { profile, label: name ?? "the default channel", messages: [], degradations: [] };
  for (const m of messages) renderOne(ctx, m);
  return { messages: ctx.messages, degradations: ctx.degradations };
}
