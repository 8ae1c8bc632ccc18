/**
 * Neutral outbound messages → Business Messenger reply bodies (docs/platforms/business-messenger.md §4), degraded to what the
 * channel can show (docs/platforms/business-messenger.md §7). Pure and deterministic: the caller logs `degradations`.
 */
import { assertNever, joinBlocks, listAsText, type OutboundMessage } from "../../conversation";
import { type Channel, BM_CHANNEL_PROFILES, resolveBmChannel, supportsKind } from "./limits";
import { cardsAsText, renderCardsNative } from "./render-cards";
import {
  type BmOutMessage,
  type NumberedOption,
  type RenderContext,
  createContext,
  degrade,
  emitBody,
  emitText,
} from "./render-context";
import { renderContact, renderFileList, renderLocation, renderMedia } from "./render-media";
import { renderSuggestions } from "./render-suggestions";

export type { BmBody, BmOutMessage, NumberedOption } from "./render-context";

export interface BmRenderOptions {
  /** Field name of composeMessage's text: the vendor documents `test` (probably meaning `text`). */
  composeTextField?: string;
}

export interface BmRenderResult {
  /** The reply's `messages` array. */
  messages: BmOutMessage[];
  /** Human-readable notes on everything cut, split or turned into text. */
  degradations: string[];
  /** The profile used (SMS for an unknown channel). */
  channel: Channel;
  /** Reply suggestions shown as "n) caption": lets the caller map an answer "n" to its postback. */
  numberedOptions: NumberedOption[];
}

function renderText(ctx: RenderContext, m: Extract<OutboundMessage, { type: "text" }>): void {
  const { native, lines } = renderSuggestions(ctx, m.suggestions ?? [], "native", ctx.profile.maxSuggestions, "after a text");
  // Numbered options and link lines join the text before splitting, so text + options respect the limit.
  emitText(ctx, joinBlocks(m.text, lines.join("\n")), native.length > 0);
  if (native.length > 0) emitBody(ctx, { suggestions: native });
}

function renderCarousel(ctx: RenderContext, m: Extract<OutboundMessage, { type: "carousel" }>): void {
  if (supportsKind(ctx.profile, "carousel")) {
    const max = ctx.profile.carouselMaxCards ?? m.cards.length;
    if (m.cards.length > max) degrade(ctx, `carousel of ${m.cards.length} cards cut to ${max} (${ctx.label})`);
    renderCardsNative(ctx, m.cards.slice(0, max));
  } else if (m.cards.length === 1 && supportsKind(ctx.profile, "card")) {
    renderCardsNative(ctx, m.cards);
  } else {
    degrade(ctx, `carousel not supported on ${ctx.label}: ${m.cards.length} card(s) sent as text`);
    emitText(ctx, cardsAsText(ctx, m.cards));
  }
}

function renderOne(ctx: RenderContext, m: OutboundMessage): void {
  switch (m.type) {
    case "text":
      return renderText(ctx, m);
    case "media":
      return renderMedia(ctx, m.kind, m.media, m.caption);
    case "file":
      return renderMedia(ctx, "file", m.media, m.caption);
    case "fileList":
      return renderFileList(ctx, m.files, m.text);
    case "location":
      return renderLocation(ctx, m);
    case "contact":
      return renderContact(ctx, m);
    case "card":
      if (supportsKind(ctx.profile, "card")) return renderCardsNative(ctx, [m.card]);
      degrade(ctx, `card not supported on ${ctx.label}: sent as text`);
      return emitText(ctx, cardsAsText(ctx, [m.card]));
    case "carousel":
      return renderCarousel(ctx, m);
    case "list":
      degrade(ctx, `list has no Business Messenger body: sent as text with its options`);
      return renderText(ctx, listAsText(m));
    default:
      return assertNever(m);
  }
}

export function renderBm(
  messages: readonly OutboundMessage[],
  channel: string | undefined,
  options: BmRenderOptions = {},
): BmRenderResult {
  const resolved = resolveBmChannel(channel);
  const ctx = createContext(BM_CHANNEL_PROFILES[resolved.channel], resolved, options.composeTextField ?? "test");
  if (!resolved.known && messages.length > 0) degrade(ctx, `${ctx.label}: rendered like SMS`);
  for (const m of messages) renderOne(ctx, m);
  return {
    messages: ctx.messages,
    degradations: ctx.degradations,
    channel: resolved.channel,
    numberedOptions: ctx.numberedOptions,
  };
}
