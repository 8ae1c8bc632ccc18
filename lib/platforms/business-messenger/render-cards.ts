/**
 * Cards and carousels: BM's `{layout, content[]}` body within the channel's card limits, or text
 * blocks (title, description, media URL, numbered options and links) where cards cannot be shown.
 */
import { cardText, type Card } from "../../conversation";
import type { CardLimits } from "./limits";
import { type BmBody, type RenderContext, compact, degrade, emitBody, emitText } from "./render-context";
import { renderSuggestions } from "./render-suggestions";
import { truncateText } from "./text";

function fitField(ctx: RenderContext, field: string, value: string, max: number | undefined): string {
  if (max === undefined || value.length <= max) return value;
  degrade(ctx, `card ${field} "${truncateText(value, 40)}" truncated to ${max} chars (${ctx.label})`);
  return truncateText(value, max);
}

function captionsLength(suggestions: readonly BmBody[]): number {
  return suggestions.reduce((sum, s) => sum + (typeof s.text === "string" ? s.text.length : 0), 0);
}

/** One card item; unsupported actions land in `lines`, to follow the card as text. */
function cardItem(ctx: RenderContext, card: Card, limits: CardLimits, lines: string[], titled: boolean): BmBody {
  const where = `on card "${card.title}"`;
  const rendered = renderSuggestions(ctx, card.suggestions ?? [], "native", limits.maxButtons, where);
  if (rendered.lines.length > 0) lines.push(...(titled ? [card.title, ...rendered.lines] : rendered.lines));

  const title = fitField(ctx, "title", card.title, limits.titleChars);
  let descriptionMax = limits.descriptionChars;
  if (limits.combinedChars !== undefined) {
    const budget = Math.max(0, limits.combinedChars - title.length - captionsLength(rendered.native));
    descriptionMax = descriptionMax === undefined ? budget : Math.min(descriptionMax, budget);
  }
  const description = card.description === undefined ? undefined : fitField(ctx, "description", card.description, descriptionMax);
  const media = card.media
    ? compact({ url: card.media.url, thumbnailUrl: card.media.thumbnailUrl, height: card.media.height })
    : undefined;
  return compact({
    media,
    title,
    description: description === "" ? undefined : description,
    suggestions: rendered.native.length > 0 ? rendered.native : undefined,
  });
}

/** A card or carousel body (both share one shape, docs/platforms/business-messenger.md §4); `layout` fields are unpublished, so `{}`. */
export function renderCardsNative(ctx: RenderContext, cards: readonly Card[]): void {
  const limits = ctx.profile.card ?? { maxButtons: ctx.profile.maxSuggestions };
  const lines: string[] = [];
  const content = cards.map((card) => cardItem(ctx, card, limits, lines, cards.length > 1));
  emitBody(ctx, { layout: {}, content });
  if (lines.length > 0) emitText(ctx, lines.join("\n"));
}

/** Cards as plain text blocks; reply suggestions become numbered options. */
export function cardsAsText(ctx: RenderContext, cards: readonly Card[]): string {
  return cards
    .map((card) => {
      const { lines } = renderSuggestions(ctx, card.suggestions ?? [], "text", Number.POSITIVE_INFINITY, "");
      return cardText(card, lines);
    })
    .join("\n\n");
}
