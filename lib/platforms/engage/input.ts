import { parseJsonBody } from "../../http/body";
import { badRequest } from "../../http/errors";
import { fitsIdBytes, ID_TOO_LONG } from "../../http/lenient";
import type { WebhookEvent } from "../../http/middlewares";

/**
 * The API step's parameters: query string and JSON body merged into one input object (the body wins on a
 * clash; its numbers and booleans keep their types; query values are strings the action's schema coerces).
 * Variables with dot/array paths (`users[0].firstname`) arrive as plain values under the row's key.
 */
export function engageInput(event: WebhookEvent): Record<string, unknown> {
  const query = event.queryStringParameters ?? {};
  const raw = event.rawBody.toString("utf8").trim();
  if (event.requestContext.http.method === "GET" || raw === "") return { ...query };
  return { ...query, ...parseJsonBody(event.rawBody, "request body must be a JSON object of parameters") };
}

export interface EngageCallInfo {
  conversationKey?: string;
  userId?: string;
  locale?: string;
  /** Engage's `internal.channel` (web, facebook, whatsapp, webHook, sinchConversationAPI, …). */
  channel?: string;
  /** Makes a call idempotent: a retry with the same id gets the recorded answer. */
  requestId?: string;
}

const text = (value: unknown): string | undefined =>
  (typeof value === "string" && value.trim() !== "") || typeof value === "number" ? String(value).trim() : undefined;

/** Reads the well-known keys of a call; `conversationKeys` come from ENGAGE_CONVERSATION_KEYS. */
export function engageCallInfo(input: Record<string, unknown>, conversationKeys: readonly string[]): EngageCallInfo {
  const conversationKey = conversationKeys.map((k) => text(input[k])).find((v) => v !== undefined);
  const info: EngageCallInfo = {};
  const fields: Array<[keyof EngageCallInfo, string | undefined]> = [
    ["conversationKey", conversationKey],
    ["userId", text(input.userId)],
    ["locale", text(input.locale)],
    ["channel", text(input["internal.channel"]) ?? text(input.internalChannel) ?? text(input.channel)],
    ["requestId", text(input.requestId)],
  ];
  const tooLong = fields.filter(([, value]) => value !== undefined && !fitsIdBytes(value));
  if (tooLong.length) {
    // They become DynamoDB keys (in UTF-8 bytes) and session fields: refused up front, not failing in the store on every retry.
    const keyName = conversationKeys.find((k) => text(input[k]) === conversationKey) ?? "sessionId";
    throw badRequest("parameters too long", tooLong.map(([name]) => ({ path: name === "conversationKey" ? keyName : name, message: ID_TOO_LONG })));
  }
  for (const [name, value] of fields) if (value !== undefined) info[name] = value;
  return info;
}
