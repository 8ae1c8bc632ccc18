import * as z from "zod/mini";

/**
 * Tolerant zod building blocks for platform payloads, whose vendors send ids as numbers, numbers as
 * strings and objects as JSON strings. Shared by every lib/platforms/<name>/schema.ts.
 */

export function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** A JSON string holding an object → that object; anything else (bad JSON, arrays, scalars) → undefined. */
export function parseJsonObject(text: string): Record<string, unknown> | undefined {
  try {
    const value: unknown = JSON.parse(text);
    return isPlainObject(value) ? value : undefined;
  } catch {
    return undefined;
  }
}

/**
 * A JSON number used as an id → its decimal digits. Integers go through BigInt so that large values
 * never turn into exponent notation (1e21 → "1000000000000000000000"); digits beyond 2^53 are already
 * gone after JSON.parse and cannot be recovered here.
 */
const numberToId = (value: unknown): unknown =>
  typeof value === "number" && Number.isFinite(value) ? (Number.isInteger(value) ? BigInt(value).toString() : String(value)) : value;

/**
 * zod/mini has no z.preprocess: this builds the same pipe classic zod's does (the function as a transform,
 * then the schema), typed as classic types it (a key is optional in the input when `schema` allows undefined).
 * `ctx` collects issues: push `{ code: "custom", message, input }` onto `ctx.issues`.
 */
export function preprocess<S extends z.core.$ZodType>(
  fn: (value: unknown, ctx: z.core.ParsePayload) => unknown,
  schema: S,
): z.ZodMiniType<z.output<S>, unknown, z.core.$ZodPreprocessInternals<S>> {
  return z.pipe(z.transform(fn), schema) as never;
}

/** Strings (ids, codes, phone numbers), with a bare JSON number accepted and stringified. */
export const stringish = preprocess(numberToId, z.string());

/**
 * Ids become DynamoDB keys, which DynamoDB limits to 2048 bytes of UTF-8 (not characters: 512 emoji are 2048
 * bytes), and are remembered in the session. No platform's ids come near 512 bytes, so a longer one is refused
 * (400) instead of failing in the store on every retry. The longest key built from ids,
 * `delivery#kommunicate#<groupId>#<key>`, stays at 21 + 512 + 1 + 512 bytes.
 */
export const MAX_ID_BYTES = 512;
export const ID_TOO_LONG = `must be at most ${MAX_ID_BYTES} bytes (UTF-8)`;

/** True when `value` fits MAX_ID_BYTES in UTF-8 (counted only when 3 bytes a character could exceed it). */
export const fitsIdBytes = (value: string): boolean => value.length * 3 <= MAX_ID_BYTES || Buffer.byteLength(value, "utf8") <= MAX_ID_BYTES;

export const idLength = z.refine<string>(fitsIdBytes, { error: ID_TOO_LONG });

/** A required id: a non-empty string (or a number, stringified) of at most MAX_ID_BYTES. */
export const requiredId = z.pipe(stringish, z.string().check(z.minLength(1), idLength));

/** An id that may be "" (a string or a number, stringified) of at most MAX_ID_BYTES. */
export const boundedId = z.pipe(stringish, z.string().check(idLength));

/** An optional id (null allowed) of at most MAX_ID_BYTES. */
export const optionalId = z.nullish(boundedId);

/** Display names and the like: kept as text, refused beyond this (they end up in session namespaces). */
export const boundedText = z.nullish(z.string().check(z.maxLength(1024, { error: "must be at most 1024 characters" })));

/** A string id (or number → string) when it is one; null, "", too long or anything unusable becomes undefined. */
export const lenientId = z.catch(
  z.optional(
    z.pipe(
      preprocess(numberToId, z.optional(z.string().check(idLength))),
      z.transform((value: string | undefined) => (value === "" ? undefined : value)),
    ),
  ),
  undefined,
);

/** A number, or a numeric string ("20480", "52.37"); any other string is left for z.number() to refuse. */
export const numeric = preprocess((value) => {
  if (typeof value === "string" && value.trim() !== "") {
    const n = Number(value);
    return Number.isFinite(n) ? n : value;
  }
  return value;
}, z.number());

/** A number when it is one (or a numeric string); anything unusable becomes undefined instead of an error. */
export const lenientNumber = z.catch(z.optional(numeric), undefined);

/** A string when it is one; anything else becomes undefined instead of an error. */
export const lenientString = z.catch(z.optional(z.string()), undefined);
