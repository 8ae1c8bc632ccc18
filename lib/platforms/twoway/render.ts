/**
 * Neutral outbound messages → the TwoWay reply body POSTed to the adapter's outbound URL (docs/platforms/twoway.md §4).
 * No rich TwoWay type is adopted yet, so everything becomes `{"$type":"text"}` messages (lowercase:
 * "Text" is rejected with 400) with direction `ClientTerminated`:
 * - reply suggestions become numbered lines "1) Caption" after a blank line, numbered across the
 *   whole reply; `numberedOptions` lets the caller map an answer "2" back to its postback;
 * - other suggestions become "Caption: value" lines; cards, media, files, locations and contacts
 *   become text blocks;
 * - texts over `maxTextChars` are split at word boundaries into several messages.
 * Pure and deterministic; the caller logs `degradations`. The body is clean JSON (no undefined) and
 * echoes only the five chat fields the router needs (never sessionId or targetAdaptersInfo).
 */
import {
  assertNever,
  cardText,
  contactText,
  fileListText,
  joinBlocks,
  listAsText,
  locationText,
  nonBlank,
  splitByChars,
  suggestionAsText,
  textLines,
  type Card,
  type NumberedOption,
  type OutboundMedia,
  type OutboundMessage,
  type Suggestion,
} from "../../conversation";

/** [assumed] WhatsApp's text limit (docs/platforms/twoway.md §7); TwoWay itself publishes none. */
export const TWOWAY_MAX_TEXT_CHARS = 4096;

/** The chat fields echoed in a reply (docs/platforms/twoway.md §4). A full TwoWayChat may be passed: only these are sent. */
export interface TwoWayChatRef {
  id: string;
  accountId: string;
  channel: string;
  conversationClientId: string;
  conversationHostId: string;
}

export interface TwoWayOutboundMessage {
  $type: "text";
  direction: "ClientTerminated";
  text: string;
}

export interface TwoWayOutbound {
  chat: TwoWayChatRef;
  conversationMessages: TwoWayOutboundMessage[];
}

/** A reply suggestion shown as "n) caption": a user answering "n" means `postback`. */
export type TwoWayNumberedOption = NumberedOption;

export interface TwoWayRenderOptions {
  /** Longest text per message, in UTF-16 code units (default 4096, at least 2). */
  maxTextChars?: number;
}

export interface TwoWayRenderResult {
  body: TwoWayOutbound;
  numberedOptions: TwoWayNumberedOption[];
  /** Human-readable notes on everything turned into text or split. */
  degradations: string[];
}

interface Ctx {
  readonly maxChars: number;
  readonly messages: TwoWayOutboundMessage[];
  readonly numberedOptions: TwoWayNumberedOption[];
  readonly degradations: string[];
}

/** Pieces of at most `max` chars, cut at word boundaries; a blank text gives no pieces. */
export const splitText = (text: string, max: number): string[] => splitByChars(text, max);

function emitText(ctx: Ctx, text: string, what: string): void {
  const pieces = splitText(text, ctx.maxChars);
  if (pieces.length === 0) ctx.degradations.push(`${what}: empty text, nothing sent`);
  if (pieces.length > 1) {
    ctx.degradations.push(`${what}: text of ${text.trim().length} chars split into ${pieces.length} messages (limit ${ctx.maxChars} chars)`);
  }
  for (const piece of pieces) ctx.messages.push({ $type: "text", direction: "ClientTerminated", text: piece });
}


/** All suggestions as lines, in order, with one degradation for the numbered ones and one per other. */
function suggestionLines(ctx: Ctx, suggestions: readonly Suggestion[], where: string): string[] {
  const lines = suggestions.map((s) => suggestionAsText(ctx.numberedOptions, s));
  const replies = suggestions.filter((s) => s.kind === "reply").length;
  if (replies > 0) ctx.degradations.push(`${replies} reply suggestion(s) ${where} shown as numbered options`);
  for (const s of suggestions) {
    if (s.kind !== "reply") ctx.degradations.push(`${s.kind} suggestion "${s.text}" ${where} sent as a text line`);
  }
  return lines;
}

function cardBlock(ctx: Ctx, card: Card): string {
  const lines = suggestionLines(ctx, card.suggestions ?? [], `on card "${card.title}"`);
  // Blank parts are left out here (other renderers keep whitespace-only ones).
  return cardText(card, lines, nonBlank);
}

/** "Caption" and the URL on the next line; the file name stands in for a missing caption. */
function mediaBlock(media: OutboundMedia, caption: string | undefined): string {
  return textLines([nonBlank(caption) ? caption : media.name, media.url], nonBlank);
}

function renderOne(ctx: Ctx, m: OutboundMessage): void {
  switch (m.type) {
    case "text": {
      const lines = suggestionLines(ctx, m.suggestions ?? [], "after a text");
      return emitText(ctx, joinBlocks(m.text, lines.join("\n")), "text");
    }
    case "media":
      ctx.degradations.push(`${m.kind} sent as a text link`);
      return emitText(ctx, mediaBlock(m.media, m.caption), m.kind);
    case "file":
      ctx.degradations.push("file sent as a text link");
      return emitText(ctx, mediaBlock(m.media, m.caption), "file");
    case "fileList":
      ctx.degradations.push(`file list of ${m.files.length} file(s) sent as text links`);
      return emitText(ctx, fileListText(m.text, m.files, nonBlank), "file list");
    case "location":
      ctx.degradations.push("location sent as text");
      return emitText(ctx, locationText(m, nonBlank), "location");
    case "contact":
      ctx.degradations.push(`contact "${m.name}" sent as text`);
      return emitText(ctx, contactText(m, nonBlank), "contact");
    case "card":
      ctx.degradations.push(`card "${m.card.title}" sent as text`);
      return emitText(ctx, cardBlock(ctx, m.card), "card");
    case "carousel":
      ctx.degradations.push(`carousel of ${m.cards.length} card(s) sent as text`);
      return emitText(ctx, joinBlocks(...m.cards.map((c) => cardBlock(ctx, c))), "carousel");
    case "list":
      ctx.degradations.push(`list of ${m.items.length} item(s) sent as text`);
      return renderOne(ctx, listAsText(m));
    default:
      return assertNever(m);
  }
}

export function renderTwoWay(
  messages: readonly OutboundMessage[],
  chat: TwoWayChatRef,
  options: TwoWayRenderOptions = {},
): TwoWayRenderResult {
  const requested = options.maxTextChars ?? TWOWAY_MAX_TEXT_CHARS;
  // At least 2, so a piece can always end before a surrogate pair; a non-finite value means the default.
  const maxChars = Number.isFinite(requested) ? Math.max(2, Math.floor(requested)) : TWOWAY_MAX_TEXT_CHARS;
  const ctx: Ctx = { maxChars, messages: [], numberedOptions: [], degradations: [] };
  for (const m of messages) renderOne(ctx, m);
  const body: TwoWayOutbound = {
    chat: {
      id: chat.id,
      accountId: chat.accountId,
      channel: chat.channel,
      conversationClientId: chat.conversationClientId,
      conversationHostId: chat.conversationHostId,
    },
    conversationMessages: ctx.messages,
  };
  return { body, numberedOptions: ctx.numberedOptions, degradations: ctx.degradations };
}
