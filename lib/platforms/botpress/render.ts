/**
 * Neutral outbound messages → Botpress v12 content types, the `responses[]` of a converse answer
 * (docs/platforms/botpress.md §6). Pure: the caller logs `degradations`, the list of everything cut or
 * turned into text. Switches are exhaustive, so a new outbound kind fails to compile here until handled.
 */
import {
  assertNever,
  contactText,
  listAsText,
  suggestionLine as lineOf,
  withLines,
  type ActionSuggestion,
  type Card,
  type OutboundMedia,
  type OutboundMessage,
  type Suggestion,
} from "../../conversation";
import { mapsUrl } from "../../conversation/text";

export type BotpressAction =
  | { action: "Postback"; title: string; payload: string }
  | { action: "Open URL"; title: string; url: string };
export type BotpressCard = { type: "card"; title: string; subtitle?: string; image?: string; actions: BotpressAction[] };
export type BotpressContent =
  | { type: "text"; text: string }
  | { type: "single-choice"; text: string; choices: Array<{ title: string; value: string }> }
  | BotpressCard
  | { type: "carousel"; items: BotpressCard[] }
  | { type: "image"; image: string; title?: string }
  | { type: "video"; video: string; title?: string }
  | { type: "audio"; audio: string; title?: string }
  | { type: "file"; file: string; title?: string }
  | { type: "location"; latitude: number; longitude: number; title?: string; address?: string };

export interface BotpressRenderResult {
  responses: BotpressContent[];
  degradations: string[];
}

interface Ctx {
  readonly out: BotpressContent[];
  readonly degradations: string[];
}

/** v12 content carries absolute http(s) URLs; anything else (javascript:, data:, relative) is not sent. */
function isHttpUrl(url: string): boolean {
  try {
    const { protocol } = new URL(url);
    return protocol === "https:" || protocol === "http:";
  } catch {
    return false;
  }
}

/** A suggestion Botpress has no element for, as the kit's text line, and the cut recorded. */
function suggestionLine(ctx: Ctx, s: ActionSuggestion, where: string): string {
  ctx.degradations.push(`${s.kind} suggestion "${s.text}" ${where}: sent as a text line`);
  return lineOf(s);
}

/** Reply suggestions → a single-choice; the others → text lines under the text. */
function renderText(ctx: Ctx, text: string, suggestions: readonly Suggestion[]): void {
  const choices: Array<{ title: string; value: string }> = [];
  const lines: string[] = [];
  for (const s of suggestions) {
    if (s.kind === "reply") choices.push({ title: s.text, value: s.postback });
    else lines.push(suggestionLine(ctx, s, "after a text"));
  }
  const full = withLines(text, lines);
  if (choices.length) ctx.out.push({ type: "single-choice", text: full, choices });
  else if (full.trim() !== "") ctx.out.push({ type: "text", text: full });
}

/** A media URL Botpress cannot carry: its caption (or name) as text, else nothing; the cut is recorded. */
function refusedMedia(ctx: Ctx, what: string, media: OutboundMedia, caption: string | undefined): void {
  const text = caption || media.name;
  ctx.degradations.push(`${what}: URL "${media.url}" is not http(s): ${text ? "sent as text" : "dropped"}`);
  if (text) ctx.out.push({ type: "text", text });
}

function renderMedia(ctx: Ctx, kind: "picture" | "video" | "audio" | "file", media: OutboundMedia, caption: string | undefined): void {
  if (!isHttpUrl(media.url)) return refusedMedia(ctx, kind, media, caption);
  const title = caption || (kind === "file" ? media.name : undefined);
  const titled = title ? { title } : {};
  switch (kind) {
    case "picture":
      ctx.out.push({ type: "image", image: media.url, ...titled });
      return;
    case "video":
      ctx.out.push({ type: "video", video: media.url, ...titled });
      return;
    case "audio":
      ctx.out.push({ type: "audio", audio: media.url, ...titled });
      return;
    case "file":
      ctx.out.push({ type: "file", file: media.url, ...titled });
      return;
    default:
      return assertNever(kind, "media kind");
  }
}

/** One v12 card; suggestions without a button (dial, compose, calendar) go to `lines`, sent as text after. */
function renderCard(ctx: Ctx, card: Card, lines: string[]): BotpressCard {
  const where = `on card "${card.title}"`;
  const actions: BotpressAction[] = [];
  for (const s of card.suggestions ?? []) {
    if (s.kind === "reply") actions.push({ action: "Postback", title: s.text, payload: s.postback });
    else if (s.kind === "url" && isHttpUrl(s.url)) actions.push({ action: "Open URL", title: s.text, url: s.url });
    else if (s.kind === "map") actions.push({ action: "Open URL", title: s.text, url: s.url && isHttpUrl(s.url) ? s.url : mapsUrl(s.latitude, s.longitude) });
    else lines.push(suggestionLine(ctx, s, where));
  }
  const out: BotpressCard = { type: "card", title: card.title, actions };
  if (card.description) out.subtitle = card.description;
  if (card.media) {
    if (isHttpUrl(card.media.url)) out.image = card.media.url;
    else ctx.degradations.push(`image ${where}: URL "${card.media.url}" is not http(s): dropped`);
  }
  return out;
}

function renderCards(ctx: Ctx, cards: readonly Card[], asCarousel: boolean): void {
  const lines: string[] = [];
  const items = cards.map((card) => renderCard(ctx, card, lines));
  if (asCarousel) ctx.out.push({ type: "carousel", items });
  else ctx.out.push(...items);
  if (lines.length) ctx.out.push({ type: "text", text: lines.join("\n") });
}

function renderOne(ctx: Ctx, m: OutboundMessage): void {
  switch (m.type) {
    case "text":
      return renderText(ctx, m.text, m.suggestions ?? []);
    case "media":
      return renderMedia(ctx, m.kind, m.media, m.caption);
    case "file":
      return renderMedia(ctx, "file", m.media, m.caption);
    case "fileList":
      // No list element in v12: the text, then one file element per file (nothing is lost).
      if (m.text) ctx.out.push({ type: "text", text: m.text });
      for (const f of m.files) renderMedia(ctx, "file", f, undefined);
      return;
    case "location":
      if (m.url) ctx.degradations.push(`location link "${m.url}" dropped: a v12 location has no URL`);
      ctx.out.push({ type: "location", latitude: m.latitude, longitude: m.longitude, ...(m.label ? { title: m.label } : {}) });
      return;
    case "contact":
      ctx.degradations.push(`contact "${m.name}" has no Botpress v12 content type: sent as text`);
      ctx.out.push({ type: "text", text: contactText(m) });
      return;
    case "card":
      return renderCards(ctx, [m.card], false);
    case "carousel":
      return renderCards(ctx, m.cards, true);
    case "list": {
      ctx.degradations.push(`list of ${m.items.length} item(s) has no Botpress v12 content type: sent as text with its options`);
      const asText = listAsText(m);
      return renderText(ctx, asText.text, asText.suggestions ?? []);
    }
    default:
      return assertNever(m);
  }
}

export function renderBotpress(messages: readonly OutboundMessage[]): BotpressRenderResult {
  const ctx: Ctx = { out: [], degradations: [] };
  for (const m of messages) renderOne(ctx, m);
  return { responses: ctx.out, degradations: ctx.degradations };
}
