/**
 * Blocks → terminal lines. Deterministic: no colours, no times. Bot bubbles start with `bot> `, their further
 * lines are indented to match; choices are numbered across the whole reply (`[1] Balance  [2] Transfer`), so the
 * user's "2" is unambiguous; cards are boxes; status lines read `— … —`.
 */
import { assertNever } from "../../lib/conversation/exhaustive";
import type { Block, CardView, Choice } from "./types";

export const BOT = "bot> ";
export const USER = "you> ";
const PAD = " ".repeat(BOT.length);

export interface Rendered {
  lines: string[];
  /** The reply's choices in number order (choice n is choices[n - 1]). */
  choices: Choice[];
}

export function renderBlocks(blocks: readonly Block[]): Rendered {
  const lines: string[] = [];
  const choices: Choice[] = [];
  const numbered = (list: readonly Choice[] | undefined): string | undefined => {
    if (!list?.length) return undefined;
    return list
      .map((c) => {
        choices.push(c);
        return `[${choices.length}] ${c.label}${c.detail ? ` (${c.detail})` : ""}`;
      })
      .join("  ");
  };
  /** The first line of a bubble gets `bot> `, the rest the same indentation. */
  const bubble = (body: string[]) => body.forEach((line, i) => lines.push(`${i === 0 ? BOT : PAD}${line}`.trimEnd()));

  for (const block of blocks) {
    switch (block.kind) {
      case "text": {
        const body = block.text === "" ? [] : block.text.split("\n");
        const options = numbered(block.choices);
        if (options) body.push(options);
        for (const link of block.links ?? []) body.push(`↗ ${link}`);
        bubble(body.length ? body : ["(empty message)"]);
        break;
      }
      case "cards":
        bubble([...(block.cards.length > 1 ? [`carousel of ${block.cards.length} cards:`] : []), ...block.cards.flatMap((card) => cardBox(card, numbered))]);
        break;
      case "media":
        bubble([...(block.caption ? block.caption.split("\n") : []), `[${block.label}] ${block.url}`]);
        break;
      case "info":
        bubble(block.text.split("\n"));
        break;
      case "status":
        lines.push(`— ${block.text} —`);
        break;
      default:
        assertNever(block, "block kind");
    }
  }
  return { lines, choices };
}

function cardBox(card: CardView, numbered: (list: readonly Choice[] | undefined) => string | undefined): string[] {
  const body: string[] = [`┌─ ${card.title}`];
  for (const line of card.description?.split("\n") ?? []) body.push(`│ ${line}`);
  if (card.image) body.push(`│ [picture] ${card.image}`);
  const options = numbered(card.choices);
  if (options) body.push(`│ ${options}`);
  for (const link of card.links ?? []) body.push(`│ ↗ ${link}`);
  body.push("└─");
  return body;
}
