import type { OutboundMessage, Suggestion } from "./outbound";

type ListMessage = Extract<OutboundMessage, { type: "list" }>;

/**
 * A list for platforms without a list type: one text (header, then "• title: description" lines) whose
 * item actions and own suggestions become its suggestions, so each platform renders them as it renders
 * any suggestions (buttons, or numbered options on text-only channels).
 */
export function listAsText(list: ListMessage): Extract<OutboundMessage, { type: "text" }> {
  const lines = list.items.map((i) => `• ${i.title}${i.description ? `: ${i.description}` : ""}`);
  const suggestions: Suggestion[] = [...list.items.flatMap((i) => (i.action ? [i.action] : [])), ...(list.suggestions ?? [])];
  const text = [list.header, ...lines].filter(Boolean).join("\n");
  return suggestions.length ? { type: "text", text, suggestions } : { type: "text", text };
}
