import { deflateRawSync, inflateRawSync } from "node:zlib";
import { DIGEST_BYTES, hasAnswer, idDigestBytes, idDigestOfHex, isIdDigest } from "./processed";
import type { ProcessedEntry, Session } from "./session";

/**
 * How a session is stored. DynamoDB bills a write by the started KB of the larger of the old and the new
 * item, and a consistent read by the started 4 KB, and every turn reads and writes the item whole: its
 * size is the price of every turn. So:
 * - the key, version, state, user and channel ids and the timestamps stay plain attributes (the console
 *   shows them, `expiresAt` is the TTL attribute); platform and conversation are read back from the key;
 * - `seen`: every processed message id, 10 bytes each: a 7-byte digest of the id (./processed.ts), then 3
 *   bytes holding two flags (durable; answered, written for inspection only: reading takes the answers from
 *   the body) and the minute it was processed, counted from the session's `createdAt` (a fixed origin, so
 *   rewriting an item never moves a time);
 * - `body`: everything else structured (namespaces, handover, history, the recorded answers by their place
 *   in `seen`, the last suggestions, the human link, the AI totals) as one JSON document, deflated with a preset
 *   dictionary of its usual fragments. History times are stored as differences, and only durable answers
 *   (Engage's keyed calls, which leave the item for items of their own) keep their id whole. The first
 *   byte names the format, so a later format can still read this one.
 * Nothing queries inside `seen` or `body`; `npm run sessions -- show` and the studio decode them (here).
 * Items written before this encoding (each field a JSON string, or maps and lists) are read as they are.
 */
const BODY_FORMAT = 1;
const SEEN_RECORD = DIGEST_BYTES + 3;
const DURABLE = 0x80_0000;
const ANSWERED = 0x40_0000;
/** 22 bits of minutes: 7.9 years from the session's creation (later times are stored as that). */
const MAX_MINUTE = 0x3f_ffff;
const MINUTE_MS = 60_000;

/** Fragments the body repeats; deflate refers back to them instead of spelling them out (changing this needs a new BODY_FORMAT). */
const DICTIONARY = Buffer.from(
  [
    '"handover":{"status":"human","since":',
    '"human":{"provider":"liveperson","extConsumerId":"","consumerJws":"","conversationId":"","origin":{"platform":"',
    '"lastSequence":',
    '"lastChangeTs":',
    '"type":"image","url":"https://',
    '"type":"card","title":"',
    '"type":"carousel","cards":[',
    '"description":"',
    '"suggestions":[{"kind":"url","text":"',
    '"applied":{"session":{"namespace":"user","data":{"name":"',
    '"nextDialogstate":"',
    '"lastSuggestions":[{"text":"',
    '"namespaces":{"user":{"name":"',
    '{"kind":"reply","text":"',
    '","postback":"',
    '"answers":[{"i":',
    '"messages":[{"type":"text","text":"',
    '"history":[["u","',
    '",0],["b","',
  ].join(""),
);

/** The structured fields, all in `body` (processed ids in `seen`). */
const STRUCTURED = ["namespaces", "handover", "history", "processed", "lastSuggestions", "human", "ai"] as const;
type Structured = (typeof STRUCTURED)[number];

export type SessionItem = Omit<Session, Structured | "platform" | "conversationId"> & { seen?: Uint8Array; body: Uint8Array };

/** A history line: "u"ser or "b"ot, its text, and milliseconds since the line before (the first: since createdAt). */
type StoredLine = ["u" | "b", string, number];

/**
 * A recorded answer, by the place of its id in `seen`; `id` only for a durable answer (its own item's key needs
 * it); `t`: when, in ms since createdAt (exact: answers are kept by age, lib/session/bounds.ts).
 */
type StoredAnswer = Pick<ProcessedEntry, "messages" | "applied"> & { i: number; t: number; id?: string };

interface Body {
  namespaces?: Session["namespaces"];
  handover?: Session["handover"];
  history?: StoredLine[];
  answers?: StoredAnswer[];
  lastSuggestions?: Session["lastSuggestions"];
  human?: Session["human"];
  ai?: Session["ai"];
}

export function toSessionItem(session: Session): SessionItem {
  const { namespaces: _n, handover: _h, history: _y, processed, lastSuggestions: _l, human: _u, ai: _a, platform: _p, conversationId: _c, ...plain } = session;
  const json = `{${bodyParts(session).join(",")}}`;
  return { ...plain, ...(processed.length ? { seen: encodeSeen(processed, session.createdAt) } : {}), body: encodeBody(json) };
}

/**
 * The body's members as JSON (`"name":value`), each serialised once per turn: the byte budget's check
 * (sessionItemBytes) and the write share them. Cached by the field's identity, sound because the engine
 * never changes one in place (every change makes a new object or array).
 */
function bodyParts(session: Session): string[] {
  const parts: string[] = [];
  if (Object.keys(session.namespaces).length) parts.push(member("namespaces", session.namespaces, () => session.namespaces));
  if (session.handover.status !== "bot") parts.push(member("handover", session.handover, () => session.handover));
  if (session.history.length) parts.push(member("history", session.history, () => storedLines(session.history, session.createdAt)));
  if (session.processed.some(hasAnswer)) parts.push(member("answers", session.processed, () => storedAnswers(session.processed, session.createdAt)));
  if (session.lastSuggestions) parts.push(member("lastSuggestions", session.lastSuggestions, () => session.lastSuggestions));
  if (session.human) parts.push(member("human", session.human, () => session.human));
  if (session.ai) parts.push(member("ai", session.ai, () => session.ai));
  return parts;
}

const serialised = new WeakMap<object, string>();
function member(name: keyof Body, field: object, stored: () => unknown): string {
  let json = serialised.get(field);
  if (json === undefined) serialised.set(field, (json = `"${name}":${JSON.stringify(stored())}`));
  return json;
}

function storedAnswers(processed: ProcessedEntry[], createdAt: number): StoredAnswer[] {
  const answers: StoredAnswer[] = [];
  processed.forEach((p, i) => {
    if (hasAnswer(p)) answers.push({ i, t: p.at - createdAt, ...(p.durable ? { id: p.id } : {}), ...(p.messages ? { messages: p.messages } : {}), ...(p.applied ? { applied: p.applied } : {}) });
  });
  return answers;
}

function encodeBody(json: string): Uint8Array {
  const deflated = deflateRawSync(json, { dictionary: DICTIONARY });
  const out = Buffer.allocUnsafe(1 + deflated.length);
  out[0] = BODY_FORMAT;
  deflated.copy(out, 1);
  return out;
}

function encodeSeen(processed: ProcessedEntry[], createdAt: number): Uint8Array {
  const out = Buffer.alloc(processed.length * SEEN_RECORD);
  processed.forEach((p, n) => {
    const at = n * SEEN_RECORD;
    // A digest read back from `seen` is written as its hex; only this turn's new id is hashed.
    if (isIdDigest(p.id)) out.write(p.id.slice(1), at, DIGEST_BYTES, "hex");
    else idDigestBytes(p.id).copy(out, at);
    const minute = Math.min(MAX_MINUTE, Math.max(0, Math.floor((p.at - createdAt) / MINUTE_MS)));
    out.writeUIntBE((p.durable ? DURABLE : 0) | (hasAnswer(p) ? ANSWERED : 0) | minute, at + DIGEST_BYTES, 3);
  });
  return out;
}

/** `seen` back as processed entries: digests for ids, times to the minute (never later than they were). */
function decodeSeen(bytes: Uint8Array, createdAt: number): ProcessedEntry[] {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  const hex = buf.toString("hex"); // once for all records: a digest is a slice of it
  const entries: ProcessedEntry[] = [];
  for (let at = 0; at + SEEN_RECORD <= buf.length; at += SEEN_RECORD) {
    const tail = buf.readUIntBE(at + DIGEST_BYTES, 3);
    const entry: ProcessedEntry = { id: idDigestOfHex(hex.slice(2 * at, 2 * (at + DIGEST_BYTES))), at: createdAt + (tail & MAX_MINUTE) * MINUTE_MS };
    if (tail & DURABLE) entry.durable = true;
    entries.push(entry);
  }
  return entries;
}

function decodeBody(bytes: Uint8Array): Body {
  const buf = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  if (buf[0] !== BODY_FORMAT) throw new Error(`session body of unknown format ${buf[0]}`);
  return JSON.parse(inflateRawSync(buf.subarray(1), { dictionary: DICTIONARY }).toString("utf8")) as Body;
}

/** The processed entries of `seen`, each recorded answer back in its place (with its whole id if durable). */
function withAnswers(entries: ProcessedEntry[], answers: StoredAnswer[] = [], createdAt: number): ProcessedEntry[] {
  for (const { i, t, id, ...answer } of answers) {
    const entry = entries[i];
    if (entry) entries[i] = { ...entry, ...(id !== undefined ? { id } : {}), ...(t !== undefined ? { at: createdAt + t } : {}), ...answer };
  }
  return entries;
}

function storedLines(history: Session["history"], createdAt: number): StoredLine[] {
  let previous = createdAt;
  return history.map((h): StoredLine => {
    const since = h.at - previous;
    previous = h.at;
    return [h.role === "user" ? "u" : "b", h.text, since];
  });
}

function historyOf(lines: StoredLine[] = [], createdAt: number): Session["history"] {
  let at = createdAt;
  return lines.map(([role, text, since]) => ({ role: role === "u" ? "user" : "bot", text, at: (at += since) }));
}

/**
 * An upper bound of the item's size in bytes, for the byte budget of lib/session/bounds.ts: the plain
 * attributes, `seen`, and the body's JSON before deflating (deflate only shrinks it), so the budget holds
 * without compressing to check.
 */
export function sessionItemBytes(session: Session): number {
  let bytes = SEEN_RECORD * session.processed.length;
  for (const name of PLAIN) {
    const value = session[name];
    if (value !== undefined) bytes += name.length + Buffer.byteLength(String(value));
  }
  for (const part of bodyParts(session)) bytes += Buffer.byteLength(part);
  return bytes;
}

const PLAIN = ["pk", "version", "userId", "channel", "state", "forgotten", "createdAt", "updatedAt", "expiresAt"] as const satisfies readonly (keyof Session)[];

export function fromSessionItem(stored: Record<string, unknown>): Session {
  const item = withForgotten(stored);
  if (item.body instanceof Uint8Array) {
    const { seen, body: bytes, ...plain } = item as Record<string, unknown> & Pick<Session, "pk" | "createdAt">;
    const body = decodeBody(bytes as Uint8Array);
    return {
      ...(plain as unknown as Omit<Session, Structured>),
      ...platformAndConversation(plain.pk),
      namespaces: body.namespaces ?? {},
      handover: body.handover ?? { status: "bot" },
      history: historyOf(body.history, plain.createdAt),
      processed: withAnswers(seen instanceof Uint8Array ? decodeSeen(seen, plain.createdAt) : [], body.answers, plain.createdAt),
      ...(body.lastSuggestions ? { lastSuggestions: body.lastSuggestions } : {}),
      ...(body.human ? { human: body.human } : {}),
      ...(body.ai ? { ai: body.ai } : {}),
    };
  }
  return fromEarlierItem(item);
}

/**
 * Items written before `forgotten` counted `spilled`, the keyed answers that left the item: taken as all
 * forgotten, so a keyed id they do not know is still looked up.
 */
function withForgotten({ spilled, ...item }: Record<string, unknown>): Record<string, unknown> {
  return typeof spilled === "number" && spilled > 0 && item.forgotten === undefined ? { ...item, forgotten: spilled } : item;
}

/** `conv#<platform>#<conversation>` (lib/session/keys.ts; a platform id has no `#`, a conversation may). */
function platformAndConversation(pk: string): Pick<Session, "platform" | "conversationId"> {
  const [, platform = "", ...conversation] = pk.split("#");
  return { platform, conversationId: conversation.join("#") };
}

const EARLIER_DEFAULTS: Partial<Record<Structured, () => unknown>> = {
  namespaces: () => ({}),
  handover: () => ({ status: "bot" }),
  history: () => [],
  processed: () => [],
};

/** Items written before `body`: each structured field a JSON string, or (earlier still) maps and lists. */
function fromEarlierItem(item: Record<string, unknown>): Session {
  const session = { ...item };
  for (const name of STRUCTURED) {
    const value = session[name];
    if (typeof value === "string") session[name] = JSON.parse(value);
    else if (value === undefined && EARLIER_DEFAULTS[name]) session[name] = EARLIER_DEFAULTS[name]();
  }
  return session as unknown as Session;
}
