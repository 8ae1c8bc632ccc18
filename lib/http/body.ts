import type * as z from "zod/mini";
import "../zod-locale";
import { badRequest } from "./errors";

/** No platform nests its JSON anywhere near this; deeper input would only overflow recursive code downstream. */
export const MAX_JSON_DEPTH = 64;

const BOM = Buffer.from([0xef, 0xbb, 0xbf]);

/**
 * The body as text for JSON.parse, without a leading UTF-8 byte-order mark (some clients write one; JSON.parse
 * refuses it). Only for parsing: signatures are checked over the raw bytes as received.
 */
export function jsonText(raw: Buffer): string {
  return (raw.subarray(0, 3).equals(BOM) ? raw.subarray(3) : raw).toString("utf8");
}

/**
 * Parses the raw body as a JSON object, or a 400 that says so: also for a scalar or an array (no endpoint
 * takes one; a platform envelope is always an object) and for JSON nested deeper than MAX_JSON_DEPTH.
 */
export function parseJsonBody(raw: Buffer, notAnObject = "request body must be a JSON object"): Record<string, unknown> {
  if (raw.length === 0) throw badRequest("request body is empty; expected JSON");
  let value: unknown;
  try {
    value = JSON.parse(jsonText(raw));
  } catch {
    throw badRequest("request body is not valid JSON");
  }
  if (typeof value !== "object" || value === null || Array.isArray(value)) {
    const received = value === null ? "null" : Array.isArray(value) ? "an array" : `a ${typeof value}`;
    throw badRequest(notAnObject, [{ path: "(root)", message: `expected an object, received ${received}` }]);
  }
  assertJsonDepth(value);
  return value as Record<string, unknown>;
}

/** A 400 when `value` nests objects or arrays deeper than MAX_JSON_DEPTH (checked without recursion). */
export function assertJsonDepth(value: unknown): void {
  const stack: Array<[unknown, number]> = [[value, 1]];
  while (stack.length) {
    const [node, depth] = stack.pop()!;
    if (typeof node !== "object" || node === null) continue;
    if (depth > MAX_JSON_DEPTH) throw badRequest(`request body is nested deeper than ${MAX_JSON_DEPTH} levels`);
    for (const child of Object.values(node)) if (typeof child === "object" && child !== null) stack.push([child, depth + 1]);
  }
}

/** Validates with a platform schema, or a 400 naming every path that is wrong. */
export function parseWith<T extends z.ZodMiniType>(schema: T, value: unknown, what: string): z.infer<T> {
  const result = schema.safeParse(value);
  if (result.success) return result.data;
  throw badRequest(
    `body does not match the ${what} schema`,
    result.error.issues.map((issue) => ({ path: issue.path.map(String).join(".") || "(root)", message: issue.message })),
  );
}
