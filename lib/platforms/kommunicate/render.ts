/**
 * Neutral outbound messages → Kommunicate webhook reply array (docs/platforms/kommunicate.md §4, §5). Pure and
 * deterministic: the caller logs `degradations`. Undefined fields are never emitted and the input
 * is never mutated.
 *
 * - `message` always keeps meaningful text: it is the fallback on channels without templates.
 * - Only `https:` URLs are sent (plus `tel:` for dial suggestions). Any other URL is refused here:
 *   the button, image or link is dropped with a degradation (map/location links fall back to the
 *   Google Maps URL of their coordinates; a refused media message becomes its caption as text).
 * - Titles are never truncated (no documented limit); only counts are capped.
 * - `options.handover` adds `KM_ASSIGN_TO` to the last bubble (or to a new empty one).
 */
import { assertNever, contactText, suggestionLine, withLines, type Card, type OutboundMedia, type OutboundMessage, type Suggestion } from "../../conversation";
import { mapsUrl } from "../../conversation/text";
import {
  FILE_BUTTON_NAME,
  type KmCard,
  type KmCardButton,
  type KmImage,
  type KmLinkButton,
  type KmMixedButton,
  type KmQuickReply,
  type KmVideo,
  type KommunicateMessage,
  LOCATION_TEXT,
  MAP_BUTTON_NAME,
  MAX_CARD_BUTTONS,
  MAX_CAROUSEL_CARDS,
  MAX_MIXED_BUTTONS,
  MAX_QUICK_REPLIES,
  TEMPLATE,
  isHttpsUrl,
  linkButton,
  telUrl,
  template,
  videoSource,
} from "./render-templates";

export type { KommunicateMessage } from "./render-templates";
import { renderList } from "./render-list";

export interface KommunicateRenderOptions {
  /** Hand the conversation over: `target` is an agent's user id; absent/"" applies dashboard rules. */
  handover?: { target?: string };
}

export interface KommunicateRenderResult {
  messages: KommunicateMessage[];
  /** Human-readable notes on everything refused, cut or turned into text. */
  degradations: string[];
}

interface Ctx {
  readonly messages: KommunicateMessage[];
  readonly degradations: string[];
}

/** A suggestion resolved to something clickable. */
type ReplyAction = { kind: "reply"; name: string; postback: string };
type Action = ReplyAction | { kind: "link"; name: string; url: string };

/** `url` when it is https, else undefined plus a degradation naming `what`. */
function httpsOnly(ctx: Ctx, url: string, what: string): string | undefined {
  if (isHttpsUrl(url)) return url;
  ctx.degradations.push(`${what}: URL "${url}" refused (not https): dropped`);
  return undefined;
}

/** A map/location URL: its own when https, else the Google Maps URL of the coordinates. */
function mapLink(ctx: Ctx, url: string | undefined, latitude: number, longitude: number, what: string): string {
  if (url === undefined || isHttpsUrl(url)) return url ?? mapsUrl(latitude, longitude);
  ctx.degradations.push(`${what}: URL "${url}" refused (not https): linked to Google Maps instead`);
  return mapsUrl(latitude, longitude);
}

/**
 * Suggestions → clickable actions (order kept) plus text lines for compose/calendar, which have no
 * Kommunicate button. Refused URLs are dropped.
 */
function resolveSuggestions(ctx: Ctx, suggestions: readonly Suggestion[], where: string): { actions: Action[]; lines: string[] } {
  const actions: Action[] = [];
  const lines: string[] = [];
  for (const s of suggestions) {
    const what = `${s.kind} suggestion "${s.text}" ${where}`;
    switch (s.kind) {
      case "reply":
        actions.push({ kind: "reply", name: s.text, postback: s.postback });
        break;
      case "url": {
        const url = httpsOnly(ctx, s.url, what);
        if (url !== undefined) actions.push({ kind: "link", name: s.text, url });
        break;
      }
      case "dial": {
        const url = telUrl(s.phone);
        if (url !== undefined) actions.push({ kind: "link", name: s.text, url });
        else ctx.degradations.push(`${what}: empty phone number: dropped`);
        break;
      }
      case "map":
        actions.push({ kind: "link", name: s.text, url: mapLink(ctx, s.url, s.latitude, s.longitude, what) });
        break;
      case "compose":
      case "calendar":
        ctx.degradations.push(`${what} has no Kommunicate button: sent as a text line`);
        lines.push(suggestionLine(s));
        break;
      default:
        return assertNever(s, "suggestion kind");
    }
  }
  return { actions, lines };
}

function capped<T>(ctx: Ctx, items: readonly T[], max: number, what: string): T[] {
  if (items.length > max) ctx.degradations.push(`${items.length - max} ${what} cut (max ${max})`);
  return items.slice(0, max);
}

function renderText(ctx: Ctx, text: string, suggestions: readonly Suggestion[]): void {
  const where = "after a text";
  const { actions, lines } = resolveSuggestions(ctx, suggestions, where);
  const message = withLines(text, lines);
  if (actions.length === 0) {
    ctx.messages.push({ message });
    return;
  }
  const replies = actions.filter((a): a is ReplyAction => a.kind === "reply");
  if (replies.length === actions.length) {
    const payload = capped(ctx, replies, MAX_QUICK_REPLIES, `quick reply(ies) ${where}`).map(
      (a): KmQuickReply => ({ title: a.name, message: a.postback }),
    );
    ctx.messages.push(template(message, TEMPLATE.quickReplies, payload));
    return;
  }
  const payload = capped(ctx, actions, MAX_MIXED_BUTTONS, `button(s) ${where}`).map(
    (a): KmMixedButton =>
      a.kind === "link"
        ? { name: a.name, type: "link", action: { url: a.url } }
        : { name: a.name, type: "quickReply", action: { message: a.postback } },
  );
  ctx.messages.push(template(message, TEMPLATE.mixedButtons, payload));
}

/** A media message whose URL was refused: its caption (or file name) as plain text, if any. */
function refusedMedia(ctx: Ctx, what: string, media: OutboundMedia, caption: string | undefined): void {
  const text = caption || media.name;
  ctx.degradations.push(`${what}: URL "${media.url}" refused (not https): ${text ? "sent as text" : "dropped"}`);
  if (text) ctx.messages.push({ message: text });
}

function renderPicture(ctx: Ctx, media: OutboundMedia, caption: string | undefined): void {
  if (!isHttpsUrl(media.url)) return refusedMedia(ctx, "picture", media, caption);
  const image: KmImage = caption ? { url: media.url, caption } : { url: media.url };
  ctx.messages.push(template(caption ?? "", TEMPLATE.images, [image]));
}

function renderVideo(ctx: Ctx, media: OutboundMedia, caption: string | undefined): void {
  if (!isHttpsUrl(media.url)) return refusedMedia(ctx, "video", media, caption);
  const source = videoSource(media.url);
  const video: KmVideo = { url: media.url, ...(source ? { source } : {}), ...(caption ? { caption } : {}) };
  ctx.messages.push(template(caption ?? "", TEMPLATE.video, [video]));
}

function fileButton(media: OutboundMedia): KmLinkButton {
  return linkButton(media.url, media.name || FILE_BUTTON_NAME);
}

function renderFile(ctx: Ctx, what: "audio" | "file", media: OutboundMedia, caption: string | undefined): void {
  if (!isHttpsUrl(media.url)) return refusedMedia(ctx, what, media, caption);
  ctx.messages.push(template(caption || media.name || "", TEMPLATE.linkButtons, [fileButton(media)]));
}

function renderFileList(ctx: Ctx, files: readonly OutboundMedia[], text: string | undefined): void {
  const kept = files.filter((f) => httpsOnly(ctx, f.url, `file "${f.name ?? f.url}" in a file list`) !== undefined);
  if (kept.length > 0) ctx.messages.push(template(text ?? "", TEMPLATE.linkButtons, kept.map(fileButton)));
  else if (text) ctx.messages.push({ message: text });
}

function cardButton(a: Action): KmCardButton {
  return a.kind === "link"
    ? { name: a.name, action: { type: "link", payload: { url: a.url } } }
    : { name: a.name, action: { type: "quickReply", payload: { message: a.postback } } };
}

/** One template 10 card; compose/calendar lines go to `lines` (sent after the carousel). */
function renderCard(ctx: Ctx, card: Card, lines: string[], titled: boolean): KmCard {
  const where = `on card "${card.title}"`;
  const out: KmCard = { title: card.title };
  if (card.description) out.description = card.description;
  const imgSrc = card.media?.url !== undefined ? httpsOnly(ctx, card.media.url, `image ${where}`) : undefined;
  if (imgSrc !== undefined) out.header = { imgSrc };
  const resolved = resolveSuggestions(ctx, card.suggestions ?? [], where);
  const buttons = capped(ctx, resolved.actions, MAX_CARD_BUTTONS, `button(s) ${where}`).map(cardButton);
  if (buttons.length > 0) out.buttons = buttons;
  if (resolved.lines.length > 0) lines.push(...(titled ? [card.title, ...resolved.lines] : resolved.lines));
  return out;
}

function renderCards(ctx: Ctx, cards: readonly Card[]): void {
  const kept = capped(ctx, cards, MAX_CAROUSEL_CARDS, "carousel card(s)");
  const first = kept[0];
  if (first === undefined) {
    ctx.degradations.push("empty carousel: nothing sent");
    return;
  }
  const lines: string[] = [];
  const payload = kept.map((card) => renderCard(ctx, card, lines, kept.length > 1));
  ctx.messages.push(template(first.title, TEMPLATE.cards, payload));
  if (lines.length > 0) ctx.messages.push({ message: lines.join("\n") });
}

function renderOne(ctx: Ctx, m: OutboundMessage): void {
  switch (m.type) {
    case "text":
      return renderText(ctx, m.text, m.suggestions ?? []);
    case "media":
      switch (m.kind) {
        case "picture":
          return renderPicture(ctx, m.media, m.caption);
        case "video":
          return renderVideo(ctx, m.media, m.caption);
        case "audio":
          return renderFile(ctx, "audio", m.media, m.caption);
        default:
          return assertNever(m.kind, "media kind");
      }
    case "file":
      return renderFile(ctx, "file", m.media, m.caption);
    case "fileList":
      return renderFileList(ctx, m.files, m.text);
    case "location": {
      const url = mapLink(ctx, m.url, m.latitude, m.longitude, "location");
      ctx.messages.push(template(m.label || LOCATION_TEXT, TEMPLATE.linkButtons, [linkButton(url, MAP_BUTTON_NAME)]));
      return;
    }
    case "contact":
      ctx.degradations.push(`contact "${m.name}" has no Kommunicate template: sent as text`);
      ctx.messages.push({ message: contactText(m) });
      return;
    case "card":
      return renderCards(ctx, [m.card]);
    case "carousel":
      return renderCards(ctx, m.cards);
    case "list":
      ctx.messages.push(renderList(m, ctx.degradations));
      return;
    default:
      return assertNever(m);
  }
}

/** Adds `KM_ASSIGN_TO` to the last bubble's metadata (keeping its keys), or to a new empty bubble. */
function withHandover(messages: readonly KommunicateMessage[], target: string): KommunicateMessage[] {
  const last = messages[messages.length - 1];
  if (last === undefined) return [{ message: "", metadata: { KM_ASSIGN_TO: target } }];
  return [...messages.slice(0, -1), { ...last, metadata: { ...last.metadata, KM_ASSIGN_TO: target } }];
}

export function renderKommunicate(
  messages: readonly OutboundMessage[],
  options: KommunicateRenderOptions = {},
): KommunicateRenderResult {
  const ctx: Ctx = { messages: [], degradations: [] };
  for (const m of messages) renderOne(ctx, m);
  const out = options.handover ? withHandover(ctx.messages, options.handover.target ?? "") : ctx.messages;
  return { messages: out, degradations: ctx.degradations };
}
