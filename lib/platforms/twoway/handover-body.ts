/**
 * The handover notification (docs/platforms/twoway.md §5): a body rendered from a template the router fills in, e.g.
 *   {"chatId":"{{$chatId}}",…,"context":{{$context}}}
 * `$context` is inserted unquoted, so an empty context yields `"context":}` (invalid JSON). Any
 * template may be configured, so the body is parsed tolerantly, in five steps (docs/platforms/twoway.md §5):
 *   1. JSON.parse the raw text;
 *   2. else repair an empty `"context":` (followed by `,` `}` `]` or the end) to `"context":{}`;
 *   3. else turn any other empty value (`"key":` followed by `,` or `}`) into null;
 *   4. else fail with an issue at `context` (when the text has a context key) or `body`;
 *   5. normalise `context`: null, "" or [] → {}; [obj] → obj; a JSON string → parsed; other → {}.
 * The notification carries no event type: it means "handed to the bot" unless `context.owner` says
 * otherwise.
 */
import { createHash } from "node:crypto";
import { fitsIdBytes, ID_TOO_LONG, isPlainObject } from "../../http/lenient";

export interface HandoverNotification {
  chatId?: string;
  sessionId?: string;
  accountId?: string;
  channel?: string;
  conversationHostId?: string;
  conversationClientId?: string;
  /** Always an object after parsing (docs/platforms/twoway.md §5, step 5). */
  context: Record<string, unknown>;
  /** Whatever else a custom template adds. */
  [key: string]: unknown;
}

export interface HandoverIssue {
  path: string;
  message: string;
}

export type HandoverParseResult =
  | { ok: true; value: HandoverNotification & { chatId: string } }
  | { ok: false; issues: HandoverIssue[] };

/** The template fields read as strings; a number is stringified, "" / null / anything else dropped. */
const STRING_FIELDS = ["chatId", "sessionId", "accountId", "channel", "conversationHostId", "conversationClientId"] as const;

const EMPTY_CONTEXT = /"context"\s*:\s*(?=[,}\]]|$)/g;
const HAS_CONTEXT_KEY = /"context"\s*:/;


type Parsed = { ok: true; value: unknown } | { ok: false; message: string };

function tryParse(text: string): Parsed {
  try {
    return { ok: true, value: JSON.parse(text) as unknown };
  } catch (error) {
    return { ok: false, message: error instanceof Error ? error.message : String(error) };
  }
}

const QUOTE = 0x22;
const BACKSLASH = 0x5c;
const COLON = 0x3a;
const COMMA = 0x2c;
const CLOSE_BRACE = 0x7d;
const WHITESPACE = /\s/;
/** What a regex `.` does not match after a backslash. */
const isLineTerminator = (c: number) => c === 0x0a || c === 0x0d || c === 0x2028 || c === 0x2029;

/**
 * Step 3: `null` after every `"key":` (a complete JSON string, escapes allowed, then whitespace) that is
 * directly followed by `,` or `}`. This is exactly `text.replace(/("(?:[^"\\]|\\.)*"\s*:)(\s*)(?=[,}])/g,
 * "$1$2null")`, in linear time: that regex tries a match at every quote, escaped ones too, and each try
 * scans to the string's end, so a body of escaped quotes took time growing with its square (minutes for
 * 1 MB). Here where each string ends and where each run of whitespace ends are computed once, right to left.
 */
export function fillEmptyValues(text: string): string {
  const n = text.length;
  // stringEnd[p]: the quote that ends a JSON string whose content continues at p, or -1 (an escaped line break or the end).
  const stringEnd = new Int32Array(n + 2).fill(-1);
  for (let p = n - 1; p >= 0; p--) {
    const c = text.charCodeAt(p);
    if (c === QUOTE) stringEnd[p] = p;
    else if (c !== BACKSLASH) stringEnd[p] = stringEnd[p + 1]!;
    else if (p + 1 < n && !isLineTerminator(text.charCodeAt(p + 1))) stringEnd[p] = stringEnd[p + 2]!;
  }
  // nonSpace[p]: the first index at or after p that is not whitespace (n at the end).
  const nonSpace = new Int32Array(n + 1).fill(n);
  for (let p = n - 1; p >= 0; p--) nonSpace[p] = WHITESPACE.test(text[p]!) ? nonSpace[p + 1]! : p;

  let out = "";
  let copied = 0;
  for (let i = text.indexOf('"'); i !== -1; i = text.indexOf('"', i)) {
    const end = stringEnd[i + 1]!;
    const colon = end === -1 ? -1 : nonSpace[end + 1]!;
    const value = colon !== -1 && text.charCodeAt(colon) === COLON ? nonSpace[colon + 1]! : -1;
    const next = value === -1 ? -1 : text.charCodeAt(value);
    if (next === COMMA || next === CLOSE_BRACE) {
      out += `${text.slice(copied, value)}null`;
      copied = value;
      i = value; // like the regex: the next try starts after this match
    } else {
      i++;
    }
  }
  return out + text.slice(copied);
}

/** Steps 1–4: the parsed JSON value, or the issue to answer 400 with. */
function parseTolerantly(raw: string): { ok: true; value: unknown } | { ok: false; issue: HandoverIssue } {
  const first = tryParse(raw);
  if (first.ok) return first;
  const contextRepaired = raw.replace(EMPTY_CONTEXT, '"context":{}');
  const second = tryParse(contextRepaired);
  if (second.ok) return second;
  const third = tryParse(fillEmptyValues(contextRepaired));
  if (third.ok) return third;
  const path = HAS_CONTEXT_KEY.test(raw) ? "context" : "body";
  return { ok: false, issue: { path, message: `not valid JSON, even after repairing empty values: ${third.message}` } };
}

/** Step 5: whatever the template produced as context → an object. */
export function normaliseContext(value: unknown, depth = 0): Record<string, unknown> {
  if (isPlainObject(value)) return value;
  if (Array.isArray(value)) {
    const [only] = value;
    return value.length === 1 && isPlainObject(only) ? only : {};
  }
  if (typeof value === "string" && value.trim() !== "" && depth < 2) {
    const parsed = tryParse(value);
    return parsed.ok ? normaliseContext(parsed.value, depth + 1) : {};
  }
  return {};
}

function stringField(value: unknown): string | undefined {
  if (typeof value === "number" && Number.isFinite(value)) {
    return Number.isInteger(value) ? BigInt(value).toString() : String(value);
  }
  return typeof value === "string" && value.trim() !== "" ? value : undefined;
}

export function parseHandoverBody(raw: string): HandoverParseResult {
  const parsed = parseTolerantly(raw);
  if (!parsed.ok) return { ok: false, issues: [parsed.issue] };
  if (!isPlainObject(parsed.value)) {
    return { ok: false, issues: [{ path: "body", message: "the body is not a JSON object" }] };
  }
  const value: HandoverNotification = { ...parsed.value, context: normaliseContext(parsed.value.context) };
  for (const field of STRING_FIELDS) {
    const text = stringField(parsed.value[field]);
    if (text === undefined) delete value[field];
    else value[field] = text;
  }
  const { chatId } = value;
  if (chatId === undefined) return { ok: false, issues: [{ path: "chatId", message: "chatId is missing or empty" }] };
  // It becomes a DynamoDB key: refused here rather than failing in the store on every redelivery.
  if (!fitsIdBytes(chatId)) return { ok: false, issues: [{ path: "chatId", message: ID_TOO_LONG }] };
  return { ok: true, value: { ...value, chatId } };
}

/** JSON with object keys sorted at every level (arrays keep their order), undefined values dropped. */
export function canonicalJson(value: unknown): string {
  return JSON.stringify(sortKeys(value));
}

function sortKeys(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortKeys);
  if (!isPlainObject(value)) return value;
  // fromEntries defines own properties, so a "__proto__" key stays a plain key.
  return Object.fromEntries(
    Object.keys(value)
      .sort()
      .filter((key) => value[key] !== undefined)
      .map((key) => [key, sortKeys(value[key])]),
  );
}

/** Dedupe key (docs/platforms/twoway.md §6): sha256 of chatId, sessionId and the canonical context, newline-separated. */
export function handoverIdempotencyKey(n: HandoverNotification): string {
  const material = `${n.chatId ?? ""}\n${n.sessionId ?? ""}\n${canonicalJson(n.context)}`;
  return `sha256:${createHash("sha256").update(material, "utf8").digest("hex")}`;
}

/**
 * Who owns the chat after this notification: "human" when `context[ownerKey]` is "human" or "agent"
 * (any case, surrounding spaces ignored), else "bot" (a notification on our adapter means the chat
 * was handed to the bot).
 */
export function handoverOwner(n: HandoverNotification, ownerKey = "owner"): "human" | "bot" {
  const owner = n.context[ownerKey];
  if (typeof owner !== "string") return "bot";
  const normalised = owner.trim().toLowerCase();
  return normalised === "human" || normalised === "agent" ? "human" : "bot";
}
