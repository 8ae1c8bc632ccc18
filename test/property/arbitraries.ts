import fc from "fast-check";
import { MAX_BODY_BYTES } from "../../lib/http/middlewares";

/**
 * fast-check arbitraries shared by the property suites: hostile JSON values, payloads mutated from a
 * platform's valid fixtures (wrong types, missing and extra fields, prototype keys, unicode, deep nesting,
 * bodies over the 1 MB cap), broken bodies (truncated JSON, non-JSON text and bytes), content types.
 */

export type Json = null | boolean | number | string | Json[] | { [key: string]: Json };

/** A request body with a short description: fast-check prints that, never the 2 MB of a huge body. */
export interface Payload {
  raw: string | Uint8Array;
  note: string;
  /** Its size in bytes as sent (UTF-8). */
  bytes: number;
}

export const rawPayload = (raw: string | Uint8Array, note: string): Payload => {
  const bytes = typeof raw === "string" ? Buffer.byteLength(raw, "utf8") : raw.length;
  const preview = typeof raw === "string" ? raw.slice(0, 160) : `<${raw.length} bytes>`;
  return Object.assign({ raw, note, bytes }, { [fc.toStringMethod]: () => `${note} (${bytes} B): ${JSON.stringify(preview)}` });
};

/** Over the 1 MB cap: must be refused with 413 before anything reads it. */
export const HUGE_BYTES = 2 * 1024 * 1024;
export const isOversized = (p: Payload) => p.bytes > MAX_BODY_BYTES;

// ---- strings ----

/** Strings that break naive code: lone surrogates, emoji sequences, RTL and bidi controls, NUL, placeholders, injection. */
export const NASTY_STRINGS = [
  "\ud800",
  "\udfff",
  "a\ud83d",
  "\udc00\ud800",
  "👩‍👩‍👧‍👦",
  "🏦💸🇨🇭",
  "مرحبا بالعالم",
  "שלום",
  "\u202eevil\u202c",
  "\u200f\u200e\u200b",
  "\u0000",
  "\u2028\u2029",
  "Z̤͔ͧ̑̓ä͖̭̈̇lͮ̒ͫǧ̗͚̚o̙̔ͮ̇͐̇",
  "\ufeff",
  "{user.name}",
  "{{user.name}}",
  "{__proto__.polluted}",
  "__proto__",
  "constructor",
  "prototype",
  "${7*7}",
  "<script>alert(1)</script>",
  "' OR 1=1 --",
  "\\",
  '"',
  "NaN",
  "-0",
  "1e999",
  "%00%ff",
  "../../etc/passwd",
  " ",
  "",
] as const;

const anyCodeUnit = fc.integer({ min: 0, max: 0xffff }).map((c) => String.fromCharCode(c));

/** Short text of every kind: ASCII, graphemes, arbitrary UTF-16 code units (lone surrogates included), nasty strings. */
export const text: fc.Arbitrary<string> = fc.oneof(
  fc.string({ maxLength: 24 }),
  fc.string({ unit: "grapheme", maxLength: 16 }),
  fc.string({ unit: anyCodeUnit, maxLength: 16 }),
  fc.constantFrom(...NASTY_STRINGS),
  fc.array(fc.constantFrom(...NASTY_STRINGS), { minLength: 2, maxLength: 4 }).map((parts) => parts.join("")),
);

// ---- JSON values ----

/** Keys that reach for prototypes or shadow built-ins. */
export const SPECIAL_KEYS = ["__proto__", "constructor", "prototype", "hasOwnProperty", "toString", "valueOf", "toJSON", "then", "__defineGetter__", "isPrototypeOf"] as const;

/** An object with own data properties only, so "__proto__" stays a plain key (as JSON.parse makes it). */
export function ownObject(entries: ReadonlyArray<readonly [string, unknown]>): { [key: string]: Json } {
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) Object.defineProperty(out, k, { value: v, enumerable: true, writable: true, configurable: true });
  return out as { [key: string]: Json };
}

const POLLUTION_ATTEMPTS: Json[] = [
  ownObject([["polluted", "yes"], ["isAdmin", true]]),
  ownObject([["toJSON", "polluted"], ["then", "polluted"], ["status", 500]]),
  ownObject([["prototype", ownObject([["polluted", "yes"]])]]),
  ownObject([["__proto__", ownObject([["polluted", "yes"]])]]),
  ownObject([["constructor", ownObject([["prototype", ownObject([["polluted", "yes"], ["isAdmin", true]])]])]]),
];

// Numbers DynamoDB cannot hold (1e308, beyond 2^53) included: stored client JSON is kept as text.
const leaf: fc.Arbitrary<Json> = fc.oneof(
  fc.constant(null),
  fc.boolean(),
  fc.integer(),
  fc.constantFrom(0, -1, 1e308, -1e308, 2 ** 53 + 1, 1e21, 0.1, 5e-324),
  fc.double({ noNaN: true, noDefaultInfinity: true }),
  text,
);

function arbitraries() {
  const plain = fc.string({ maxLength: 10 });
  const key = fc.oneof({ weight: 3, arbitrary: plain }, { weight: 2, arbitrary: fc.constantFrom(...SPECIAL_KEYS) }, { weight: 1, arbitrary: text });
  /** What a pollution attempt plants: if any of these ever shows up on `{}`, a prototype was written. */
  const pollution = fc.constantFrom(...POLLUTION_ATTEMPTS);
  /** Any JSON value (own-property objects, special keys, hostile strings), a few levels deep. */
  const value = fc.letrec<{ value: Json }>((tie) => ({
    value: fc.oneof(
      { depthSize: "small", withCrossShrink: true },
      leaf,
      fc.array(tie("value"), { maxLength: 4 }),
      fc.array(fc.tuple(key, tie("value")), { maxLength: 4 }).map((entries) => ownObject(entries)),
      pollution,
    ),
  })).value;
  return { key, pollution, value };
}

const ALL = arbitraries();

export const key = ALL.key;
export const pollutionPayload = ALL.pollution;
export const jsonValue = ALL.value;

// ---- markers for values too big to build as objects ----

/** Deep nesting and huge strings are spliced into the JSON text after serialising, where these markers stand. */
const deepMarker = (depth: number, shape: "array" | "object") => `@@deep:${depth}:${shape}@@`;
const hugeMarker = (bytes: number) => `@@huge:${bytes}@@`;
const MARKER = /"@@(deep|huge):(\d+)(?::(array|object))?@@"/g;

/** `depth` levels of nesting as JSON text: [[[…1…]]] or {"a":{"a":…1…}}. */
export const deepJson = (depth: number, shape: "array" | "object" = "array") =>
  shape === "array" ? "[".repeat(depth) + "1" + "]".repeat(depth) : '{"a":'.repeat(depth) + "1" + "}".repeat(depth);

/** A JSON string literal of about `bytes` bytes (mixing 1- and 2-byte UTF-8 characters). */
export const hugeString = (bytes: number) => `"${"xé".repeat(Math.ceil(bytes / 3))}"`;

/** JSON text of a value, with deep/huge markers expanded. */
export function render(value: Json): string {
  return JSON.stringify(value).replace(MARKER, (_m, kind: string, n: string, shape?: "array" | "object") =>
    kind === "deep" ? deepJson(Number(n), shape ?? "array") : hugeString(Number(n)),
  );
}

// ---- structural mutations of a fixture ----

export type Path = Array<string | number>;

/** Every path of a JSON value, the root ([]) included. */
export function pathsOf(value: Json, prefix: Path = [], out: Path[] = []): Path[] {
  out.push(prefix);
  if (Array.isArray(value)) value.forEach((v, i) => pathsOf(v, [...prefix, i], out));
  else if (value !== null && typeof value === "object") for (const k of Object.keys(value)) pathsOf(value[k]!, [...prefix, k], out);
  return out;
}

const clone = (value: Json): Json => JSON.parse(JSON.stringify(value)) as Json;

export const REMOVE = Symbol("remove");

/** A copy with the value at `path` replaced (or removed); the last key is defined, never assigned. */
export function setAt(value: Json, path: Path, next: Json | typeof REMOVE): Json {
  if (path.length === 0) return next === REMOVE ? {} : next;
  const root = clone(value);
  let parent: Json = root;
  for (const step of path.slice(0, -1)) {
    const child: Json | undefined = parent !== null && typeof parent === "object" ? (parent as Record<string, Json>)[step as string] : undefined;
    if (child === undefined || child === null || typeof child !== "object") return root; // an earlier mutation removed the path
    parent = child;
  }
  const last = path[path.length - 1]!;
  if (Array.isArray(parent)) {
    if (next === REMOVE) parent.splice(Number(last), 1);
    else parent[Number(last)] = next;
  } else if (parent !== null && typeof parent === "object") {
    if (next === REMOVE) delete parent[last as string];
    else Object.defineProperty(parent, last, { value: next, enumerable: true, writable: true, configurable: true });
  }
  return root;
}

export const getAt = (value: Json, path: Path): Json | undefined =>
  path.reduce<Json | undefined>((v, step) => (v !== null && typeof v === "object" ? (v as Record<string, Json>)[step as string] : undefined), value);

export interface MutationOptions {
  /** Nesting depths spliced in by the "deep" mutation (thousands of levels where the endpoint copes). */
  depths: readonly number[];
}

type Mutation = { note: string; apply: (value: Json) => Json };

/** One structural change at a random path of `fixture`. */
function mutation(fixture: Json, options: MutationOptions): fc.Arbitrary<Mutation> {
  const { key, pollution, value: jsonValue } = ALL;
  const protoKeys = ["__proto__", "constructor", "prototype"] as const;
  const paths = pathsOf(fixture);
  const objectPaths = paths.filter((p) => {
    const v = getAt(fixture, p);
    return v !== null && typeof v === "object" && !Array.isArray(v);
  });
  const at = fc.constantFrom(...paths);
  const show = (p: Path) => p.join(".") || "(root)";
  return fc.oneof(
    fc.tuple(at, jsonValue).map(([p, v]) => ({ note: `${show(p)} := ${JSON.stringify(v)?.slice(0, 60)}`, apply: (x: Json) => setAt(x, p, v) })),
    at.filter((p) => p.length > 0).map((p) => ({ note: `delete ${show(p)}`, apply: (x: Json) => setAt(x, p, REMOVE) })),
    fc.tuple(fc.constantFrom(...objectPaths), key, fc.oneof(jsonValue, pollution)).map(([p, k, v]) => ({
      note: `${show([...p, k])} += ${JSON.stringify(v)?.slice(0, 60)}`,
      apply: (x: Json) => setAt(x, [...p, k], v),
    })),
    fc.tuple(fc.constantFrom(...objectPaths), fc.constantFrom(...protoKeys), pollution).map(([p, k, v]) => ({
      note: `${show([...p, k])} += pollution ${JSON.stringify(v)}`,
      apply: (x: Json) => setAt(x, [...p, k], v),
    })),
    fc.tuple(at, text).map(([p, s]) => ({ note: `${show(p)} := ${JSON.stringify(s)}`, apply: (x: Json) => setAt(x, p, s) })),
    fc.tuple(at, fc.constantFrom(...options.depths), fc.constantFrom("array" as const, "object" as const)).map(([p, d, shape]) => ({
      note: `${show(p)} := ${d} levels of ${shape}s`,
      apply: (x: Json) => setAt(x, p, deepMarker(d, shape)),
    })),
    at.map((p) => ({ note: `${show(p)} := 2 MB string`, apply: (x: Json) => setAt(x, p, hugeMarker(HUGE_BYTES)) })),
  );
}

/** A fixture changed by 1–3 structural mutations. */
export function mutatedFixture(fixtures: fc.Arbitrary<Json>, options: MutationOptions): fc.Arbitrary<Payload> {
  return fixtures.chain((fixture) =>
    fc.array(mutation(fixture, options), { minLength: 1, maxLength: 3 }).map((ms) => {
      let value = fixture;
      for (const m of ms) value = m.apply(value);
      return rawPayload(render(value), ms.map((m) => m.note).join("; "));
    }),
  );
}

// ---- broken bodies ----

const NOT_JSON_TEXTS = ["", " ", "\n", "{", "}", "[", '{"a":', "nul", "undefined", "NaN", "{'a':1}", "<xml/>", "a=1&b=2", "\ufeff{}", '{"a":1,}', "[1,2", '"unterminated', "{}{}", "\u0000", "--boundary\r\nContent-Disposition: form-data"];

/** Would a server's JSON.parse accept these bytes (as they are, or trimmed as Engage does)? */
export function parsesAsJson(raw: string | Uint8Array): boolean {
  try {
    JSON.parse((typeof raw === "string" ? raw : Buffer.from(raw).toString("utf8")).trim());
    return true;
  } catch {
    return false;
  }
}

/** Bodies that are not JSON at all: truncated fixtures, garbage text, invalid UTF-8 bytes. Empty included. */
export function brokenBody(fixtures: fc.Arbitrary<Json>): fc.Arbitrary<Payload> {
  return fc.oneof(
    fixtures.chain((f) => {
      const full = JSON.stringify(f);
      return fc.integer({ min: 0, max: full.length - 1 }).map((n) => rawPayload(full.slice(0, n), `fixture truncated at ${n}`));
    }),
    { weight: 2, arbitrary: fc.constantFrom(...NOT_JSON_TEXTS).map((t) => rawPayload(t, "not JSON")) },
    fc.tuple(fc.constantFrom(...NOT_JSON_TEXTS), text).map(([a, b]) => rawPayload(a + b, "not JSON + text")),
    fc.uint8Array({ minLength: 1, maxLength: 48 }).map((b) => rawPayload(Uint8Array.from([0xff, 0xfe, ...b]), "invalid UTF-8 bytes")),
    fixtures.map((f) => rawPayload(`${JSON.stringify(f)}\u0000garbage`, "fixture + trailing garbage")),
  ).filter((p) => !parsesAsJson(p.raw));
}

/** JSON that is valid text but not an object: scalars and arrays at the root. */
export const nonObjectJson: fc.Arbitrary<Payload> = fc
  .oneof(leaf, fc.array(ALL.value, { maxLength: 3 }))
  .map((v) => rawPayload(JSON.stringify(v) ?? "null", "JSON root is not an object"));

/** Raw JSON text with a literal "__proto__" key in front of a fixture's fields. */
export function protoKeyText(fixtures: fc.Arbitrary<Json>): fc.Arbitrary<Payload> {
  return fc.tuple(fixtures, fc.constantFrom('"__proto__":{"polluted":"yes"}', '"constructor":{"prototype":{"polluted":"yes"}}', '"__proto__":{"__proto__":{"isAdmin":true}}')).map(([f, k]) => {
    const body = JSON.stringify(f);
    return rawPayload(body.startsWith("{") && body !== "{}" ? `{${k},${body.slice(1)}` : `{${k}}`, `raw ${k.slice(0, 12)}… key`);
  });
}

/** Any body: mostly mutated fixtures, some valid fixtures, broken bodies, non-objects, raw prototype keys. */
export function anyBody(fixtures: fc.Arbitrary<Json>, options: MutationOptions): fc.Arbitrary<Payload> {
  return fc.oneof(
    { weight: 6, arbitrary: mutatedFixture(fixtures, options) },
    { weight: 2, arbitrary: fixtures.map((f) => rawPayload(JSON.stringify(f), "valid fixture")) },
    { weight: 2, arbitrary: brokenBody(fixtures) },
    { weight: 1, arbitrary: nonObjectJson },
    { weight: 1, arbitrary: protoKeyText(fixtures) },
    { weight: 1, arbitrary: fc.constant(rawPayload("", "empty body")) },
  );
}

/** A valid fixture as is, as a payload. */
export const asPayload = (value: Json, note = "valid fixture") => rawPayload(render(value), note);

/** Content types a caller might send (or none); the endpoints must not care. */
export const contentType: fc.Arbitrary<Record<string, string>> = fc
  .constantFrom(
    "application/json",
    "application/json; charset=utf-8",
    "text/plain",
    "application/x-www-form-urlencoded",
    "multipart/form-data; boundary=x",
    "application/xml",
    "application/octet-stream",
    "",
  )
  .map((t): Record<string, string> => (t ? { "content-type": t } : {}));

/** A header value as fetch can send it (visible Latin-1, no CR/LF), possibly close to a real secret. */
export const headerValue: fc.Arbitrary<string> = fc.string({ unit: fc.integer({ min: 0x21, max: 0x7e }).map((c) => String.fromCharCode(c)), minLength: 1, maxLength: 40 });

/** Near misses of a secret: what a forger or a misconfigured client sends. Never the secret itself. */
export function forgedSecret(secret: string): fc.Arbitrary<string> {
  return fc
    .oneof(
      headerValue,
      fc.constantFrom(secret.slice(0, -1), `${secret}x`, `x${secret}`, secret.toUpperCase(), secret.split("").reverse().join(""), "null", "undefined", "true", "0"),
      headerValue.map((v) => `${secret}${v}`),
    )
    .filter((v) => v !== secret && v.trim() !== secret);
}
