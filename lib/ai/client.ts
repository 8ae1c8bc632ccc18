import { sleep } from "../session/backoff";

/**
 * A small client for any OpenAI-compatible `POST {baseUrl}/chat/completions` (OpenAI, Mistral, DeepSeek,
 * xAI, Google's and Anthropic's compatibility endpoints …). A few lines of fetch instead of the `openai`
 * package: scripts/bench/ai-client.ts measures why (bundle weight and load time).
 * Everything happens before `deadline`: 429/5xx are retried only while time is left.
 */
export interface ChatMessage {
  role: "system" | "user" | "assistant";
  content: string;
}

export interface ChatCompletionRequest {
  baseUrl: string;
  apiKey?: string;
  model: string;
  messages: ChatMessage[];
  maxTokens: number;
  temperature: number;
  /** Epoch ms by which an answer (or an error) must be back. */
  deadline: number;
  clock?: () => number;
}

export interface ChatCompletion {
  text: string;
  usage?: { prompt_tokens?: number; completion_tokens?: number; total_tokens?: number };
  model?: string;
}

export class AiError extends Error {
  constructor(
    message: string,
    readonly status?: number,
  ) {
    super(message);
    this.name = "AiError";
  }
}

const RETRY_PAUSE_MS = 300;

export async function chatCompletion(req: ChatCompletionRequest): Promise<ChatCompletion> {
  const clock = req.clock ?? Date.now;
  const url = `${req.baseUrl.replace(/\/+$/, "")}/chat/completions`;
  const body = JSON.stringify({ model: req.model, messages: req.messages, max_tokens: req.maxTokens, temperature: req.temperature });
  let last = "no attempt: the deadline had passed";
  for (let attempt = 1; req.deadline - clock() > 0; attempt++) {
    try {
      const res = await fetch(url, {
        method: "POST",
        headers: { "content-type": "application/json", ...(req.apiKey ? { authorization: `Bearer ${req.apiKey}` } : {}) },
        body,
        signal: AbortSignal.timeout(Math.max(1, req.deadline - clock())),
      });
      const text = await res.text();
      if (res.ok) return parseCompletion(text);
      last = `HTTP ${res.status}`;
      if (res.status !== 429 && res.status < 500) throw new AiError(`the AI endpoint refused the request (${last})`, res.status);
    } catch (err) {
      if (err instanceof AiError) throw err;
      last = (err as Error).name === "TimeoutError" ? "timed out" : String((err as Error & { cause?: { code?: string } }).cause?.code ?? (err as Error).message);
    }
    if (req.deadline - clock() <= RETRY_PAUSE_MS * attempt) break;
    await sleep(RETRY_PAUSE_MS * attempt);
  }
  throw new AiError(`no AI answer in time (${last})`);
}

function parseCompletion(text: string): ChatCompletion {
  let json: { choices?: Array<{ message?: { content?: unknown } }>; usage?: ChatCompletion["usage"]; model?: string };
  try {
    json = JSON.parse(text);
  } catch {
    throw new AiError("the AI endpoint answered something that is not JSON");
  }
  const content = json.choices?.[0]?.message?.content;
  if (typeof content !== "string" || !content.trim()) throw new AiError("the AI endpoint answered without a message");
  return { text: content.trim(), ...(json.usage ? { usage: json.usage } : {}), ...(json.model ? { model: json.model } : {}) };
}
