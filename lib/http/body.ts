import type * as z from "zod/mini";
import "../zod-locale";
import { badRequest } from "./errors";

/** Parses the raw body as JSON, or a 400 that says so. */
export function parseJsonBody(raw: Buffer): unknown {
  if (raw.length === 0) throw badRequest("request body is empty; expected JSON");
  try {
    return JSON.parse(raw.toString("utf8"));
  } catch {
    throw badRequest("request body is not valid JSON");
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
