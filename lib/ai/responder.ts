import type { Settings } from "../config";
import { countMetric } from "../metrics";
import type { HistoryEntry } from "../session/session";
import { chatCompletion, type ChatCompletion, type ChatMessage } from "./client";

/**
 * The bot's AI responder: the configured instructions (plus a state's own) as the system message, the last
 * AI_HISTORY turns of the session, and the user's text as a user message: data, never part of the
 * instructions. Off when AI_BASE_URL is unset.
 */
export interface AiAnswer {
  text: string;
  /** False when the fallback message was used (error, timeout). */
  answered: boolean;
  completion?: ChatCompletion;
  error?: string;
  ms: number;
}

export function aiMessages(settings: Settings, history: HistoryEntry[], userText: string, stateInstructions?: string): ChatMessage[] {
  const system = [settings.AI_INSTRUCTIONS, stateInstructions].filter(Boolean).join("\n\n");
  const turns = lastTurns(history, settings.AI_HISTORY).map((h): ChatMessage => ({ role: h.role === "user" ? "user" : "assistant", content: h.text }));
  return [{ role: "system", content: system }, ...turns, { role: "user", content: userText }];
}

export async function answerWithAi(
  settings: Settings,
  input: { platform?: string; history: HistoryEntry[]; userText: string; instructions?: string; deadline: number; clock: () => number },
): Promise<AiAnswer> {
  const dimensions = input.platform ? { platform: input.platform } : {};
  const started = input.clock();
  try {
    const completion = await chatCompletion({
      baseUrl: settings.AI_BASE_URL!,
      ...(settings.AI_API_KEY ? { apiKey: settings.AI_API_KEY } : {}),
      model: settings.AI_MODEL,
      messages: aiMessages(settings, input.history, input.userText, input.instructions),
      maxTokens: settings.AI_MAX_TOKENS,
      temperature: settings.AI_TEMPERATURE,
      deadline: Math.min(input.deadline, started + settings.AI_TIMEOUT_MS),
      clock: input.clock,
    });
    // Counted at the call, not with the turn: tokens are spent even when the turn's write then fails.
    countMetric("AiPromptTokens", completion.usage?.prompt_tokens ?? 0, dimensions);
    countMetric("AiCompletionTokens", completion.usage?.completion_tokens ?? 0, dimensions);
    return { text: completion.text, answered: true, completion, ms: input.clock() - started };
  } catch (err) {
    countMetric("AiFallbacks", 1, dimensions);
    return { text: settings.AI_FALLBACK_MESSAGE, answered: false, error: String((err as Error).message), ms: input.clock() - started };
  }
}

/** The entries of the last `turns` user turns (a user line and the bot lines after it). */
function lastTurns(history: HistoryEntry[], turns: number): HistoryEntry[] {
  let seen = 0;
  for (let i = history.length - 1; i >= 0; i--) {
    if (history[i]!.role === "user" && ++seen === turns) return history.slice(i);
  }
  return history;
}
