/**
 * The text every renderer falls back to when its platform cannot show a kind natively: suggestions as
 * numbered options or "Caption: value" lines, contacts, locations, media links, cards and lists as text,
 * and the one-line summaries kept in the session's history. Renderers decide when to fall back and
 * record what they cut; what the text looks like is decided here, once.
 */
import { assertNever } from "./exhaustive";
import type { Card, OutboundMedia, OutboundMessage, OutboundType, Suggestion } from "./outbound";
import { mapsUrl } from "./text";

export type MessageOf<T extends OutboundType> = Extract<OutboundMessage, { type: T }>;

/**
 * When an optional text counts as given. The renderers have always differed on empty and blank texts
 * (`label ?? …`, `label || …`, or blank ignored); each passes its own rule so its output stays the same.
 */
export type Given = (text: string | undefined) => text is string;
export const defined: Given = (text): text is string => text !== undefined;
export const nonEmpty: Given = (text): text is string => !!text;
export const nonBlank: Given = (text): text is string => text !== undefined && text.trim() !== "";

/** The given parts, one per line. */
export const textLines = (parts: readonly (string | undefined)[], given: Given = nonEmpty): string => parts.filter(given).join("\n");

/** Non-blank blocks joined by a blank line. */
export function joinBlocks(...blocks: readonly string[]): string {
  return blocks.filter((b) => b.trim() !== "").join("\n\n");
}

/** `text`, then `lines` after a blank line (the lines alone when `text` is empty). */
export function withLines(text: string, lines: readonly string[]): string {
  if (lines.length === 0) return text;
  return text === "" ? lines.join("\n") : `${text}\n\n${lines.join("\n")}`;
}

export type ActionSuggestion = Exclude<Suggestion, { kind: "reply" }>;

/** A suggestion whose action the platform lacks, as "Caption: value". */
export function suggestionLine(s: ActionSuggestion): string {
  switch (s.kind) {
    case "url":
      return `${s.text}: ${s.url}`;
    case "dial":
      return `${s.text}: ${s.phone}`;
    case "compose":
      return `${s.text}: send "${s.body}" to ${s.phone}`;
    case "map":
      return `${s.text}: ${s.url ?? mapsUrl(s.latitude, s.longitude)}`;
    case "calendar":
      return `${s.text}: ${s.title}, ${s.start} – ${s.end}`;
    default:
      return assertNever(s, "suggestion kind");
  }
}

/** A reply suggestion shown as "n) caption": a user answering "n" means `postback`. */
export interface NumberedOption {
  number: number;
  text: string;
  postback: string;
}

/** Hands out the next number of the whole reply (so "2" is unambiguous) and returns the option's line. */
export function numberOption(options: NumberedOption[], text: string, postback: string): string {
  const number = options.length + 1;
  options.push({ number, text, postback });
  return `${number}) ${text}`;
}

/** Any suggestion as a line: replies numbered into `options`, the others "Caption: value". */
export function suggestionAsText(options: NumberedOption[], s: Suggestion): string {
  return s.kind === "reply" ? numberOption(options, s.text, s.postback) : suggestionLine(s);
}

export function contactText(m: MessageOf<"contact">, given: Given = nonEmpty): string {
  return textLines([m.name, m.phone, m.email, m.address], given);
}

/** "Label: map URL" (the coordinates' Google Maps link when the location has no URL of its own). */
export function locationText(m: MessageOf<"location">, given: Given = defined): string {
  return `${given(m.label) ? m.label : "Location"}: ${m.url ?? mapsUrl(m.latitude, m.longitude)}`;
}

/** "Caption: URL" (the file name stands in for a missing caption), or the URL alone. */
export function mediaLine(media: OutboundMedia, caption?: string, given: Given = nonEmpty): string {
  const label = caption ?? media.name;
  return given(label) ? `${label}: ${media.url}` : media.url;
}

/** The list's text, then one media line per file. */
export function fileListText(text: string | undefined, files: readonly OutboundMedia[], given: Given = nonEmpty): string {
  return textLines([text, ...files.map((f) => mediaLine(f, undefined, given))], given);
}

/** A card as a text block: title, description, image URL, then the lines its suggestions became. */
export function cardText(card: Card, suggestionLines: readonly string[], given: Given = nonEmpty): string {
  return textLines([card.title, card.description, card.media?.url, ...suggestionLines], given);
}

/**
 * A list for platforms without a list type: one text (header, then "• title: description" lines) whose
 * item actions and own suggestions become its suggestions, so each platform renders them as it renders
 * any suggestions (buttons, or numbered options on text-only channels).
 */
export function listAsText(list: MessageOf<"list">): MessageOf<"text"> {
  const lines = list.items.map((i) => `• ${i.title}${i.description ? `: ${i.description}` : ""}`);
  const suggestions: Suggestion[] = [...list.items.flatMap((i) => (i.action ? [i.action] : [])), ...(list.suggestions ?? [])];
  const text = [list.header, ...lines].filter(Boolean).join("\n");
  return suggestions.length ? { type: "text", text, suggestions } : { type: "text", text };
}

/** One line for the session's history (and the transcript an agent sees): the text, or the kind and what names it. */
export function historyText(message: OutboundMessage): string {
  switch (message.type) {
    case "text":
      return message.text;
    case "card":
      return `[card] ${message.card.title}`;
    case "carousel":
      return `[carousel] ${message.cards.map((c) => c.title).join(" | ")}`;
    case "list":
      return `[list] ${message.items.map((i) => i.title).join(" | ")}`;
    case "media":
      return `[${message.kind}] ${message.caption ?? message.media.url}`;
    case "file":
      return `[file] ${message.media.name ?? message.media.url}`;
    case "fileList":
      return `[files] ${message.files.length}`;
    case "location":
      return `[location] ${message.label ?? `${message.latitude},${message.longitude}`}`;
    case "contact":
      return `[contact] ${message.name}`;
    default:
      return assertNever(message);
  }
}
