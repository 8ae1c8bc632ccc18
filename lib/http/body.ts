import type * as z from "zod/mini";
import "../zod-locale";
import { badRequest } from "./errors";

/** No platform nests its JSON anywhere near this; deeper input would only overflow recursive code downstream. */
export const MAX_JSON_DEPTH = 64;

/** Parses the raw body as JSON, or a 400 that says so (also for JSON nested deeper than MAX_JSON_DEPTH). */
export function parseJsonBody(raw: Buffer): unknown {
  if (raw.length === 0) throw badRequest("request body is empty; expected JSON");
  let value: unknown;
  try {
    value = JSON.parse(raw.toString("utf8"));
  } catch {
    throw badRequest("request body is not valid JSON");
  }
  assertJsonDepth(value);
  return value;
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
