import type { ReadStore } from "../sessions/store";
import type { Session } from "../../lib/session/session";
import { status, type Block, type ChatTarget, type Exchange } from "./types";

/** The stack does not answer at all: the chat reports it in one line (and a replay exits 1). */
export class StackUnreachable extends Error {
  constructor(readonly baseUrl: string) {
    super(`cannot reach the local stack at ${baseUrl}: is \`npm start\` running?`);
  }
}

export interface HttpAnswer {
  status: number;
  text: string;
  json: unknown;
}

/** One request; a refused or reset connection becomes StackUnreachable. */
export async function call(baseUrl: string, path: string, init: RequestInit & { timeoutMs?: number }): Promise<HttpAnswer> {
  let res: Response;
  try {
    res = await fetch(`${baseUrl}${path}`, { ...init, signal: AbortSignal.timeout(init.timeoutMs ?? 40_000) });
  } catch (err) {
    if ((err as Error).name === "TimeoutError") return { status: 0, text: "no answer within the timeout", json: undefined };
    throw new StackUnreachable(baseUrl);
  }
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json };
}

/** Headers whose value is a shared secret itself (a signature is not: it is shown). */
const SECRET_HEADERS = new Set(["authorization", "x-webhook-secret"]);

/** The request as the raw view shows it: header names lower-cased, secrets masked, a JSON body parsed. */
export function describeRequest(method: string, url: string, headers: HeadersInit | undefined, body: unknown, secretHeader?: string): Exchange["request"] {
  const shown: Record<string, string> = {};
  for (const [name, value] of new Headers(headers).entries()) {
    shown[name] = SECRET_HEADERS.has(name) || name === secretHeader?.toLowerCase() ? `${value.slice(0, name === "authorization" ? 11 : 0)}…(masked)` : value;
  }
  return { method, url, headers: shown, body: parseBody(body) };
}

export function parseBody(body: unknown): unknown {
  if (typeof body !== "string" || body === "") return body ?? null;
  try {
    return JSON.parse(body);
  } catch {
    return body;
  }
}

/** `call` to the target's stack, recorded for the raw view (ChatTarget.record). */
export async function exchange(target: ChatTarget, path: string, init: RequestInit & { timeoutMs?: number }, secretHeader?: string): Promise<HttpAnswer> {
  const answer = await call(target.baseUrl, path, init);
  target.record?.({
    at: Date.now(),
    direction: "inbound",
    request: describeRequest(init.method ?? "GET", `${target.baseUrl}${path}`, init.headers, init.body, secretHeader),
    response: { status: answer.status, body: answer.json ?? (answer.text || null) },
  });
  return answer;
}

/** `— HTTP 400: {"error":…} —`, the body as compact JSON when it is JSON. */
export function httpError(answer: HttpAnswer): Block {
  if (answer.status === 0) return status(answer.text);
  const body = answer.json !== undefined ? JSON.stringify(answer.json) : answer.text.trim().slice(0, 500);
  return status(`HTTP ${answer.status}${body ? `: ${body}` : ""}`);
}

export async function reachable(baseUrl: string): Promise<boolean> {
  try {
    const res = await fetch(`${baseUrl}/health`, { signal: AbortSignal.timeout(3000) });
    await res.body?.cancel();
    return res.status === 200;
  } catch {
    return false;
  }
}

/** The stored session, or undefined when no store is known or it cannot be read (peeking is best effort). */
export async function peekSession(store: ReadStore | undefined, platform: string, conversationId: string): Promise<Session | undefined> {
  if (!store) return undefined;
  try {
    return await store.getSession(`conv#${platform}#${conversationId}`);
  } catch {
    return undefined;
  }
}

/**
 * Status lines for a handover change seen in the session (platforms whose answer does not say so: BM, TwoWay).
 * `before` is the status after the previous turn; returns the new one.
 */
export function handoverChange(before: "bot" | "human" | undefined, session: Session | undefined): { now: "bot" | "human" | undefined; blocks: Block[] } {
  const now = session?.handover?.status;
  if (!now || now === (before ?? "bot")) return { now: now ?? before, blocks: [] };
  return { now, blocks: [status(now === "human" ? "handed over to a human agent" : "back with the bot")] };
}
