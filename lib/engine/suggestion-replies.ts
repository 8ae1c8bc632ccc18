import type { InboundMessage, OutboundMessage } from "../conversation";
import type { ReplySuggestion } from "../session/session";

/**
 * On text-only channels suggestions arrive as numbered options; a user answers "2" or types a caption.
 * This maps such a text back to the postback the bot offered in its last answer.
 */
export function resolveSuggestionReply(message: InboundMessage, offered: ReplySuggestion[] | undefined): InboundMessage {
  if (message.type !== "text" || !offered?.length) return message;
  const typed = message.text.trim();
  const index = /^\d{1,2}$/.test(typed) ? Number(typed) - 1 : -1;
  const chosen = offered[index] ?? offered.find((s) => s.text.trim().toLowerCase() === typed.toLowerCase());
  return chosen ? { type: "postback", postback: chosen.postback, text: message.text } : message;
}

/** The reply suggestions of the last text message that had any: what numbered answers refer to. */
export function offeredSuggestions(messages: OutboundMessage[]): ReplySuggestion[] | undefined {
  for (let i = messages.length - 1; i >= 0; i--) {
    const m = messages[i]!;
    if (m.type !== "text" || !m.suggestions) continue;
    const replies = m.suggestions.flatMap((s) => (s.kind === "reply" ? [{ text: s.text, postback: s.postback }] : []));
    if (replies.length) return replies;
  }
  return undefined;
}
