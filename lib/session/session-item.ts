import type { Session } from "./session";

/**
 * How a session is stored: the keys, version, state and timestamps as plain attributes, and every structured
 * field (namespaces, handover, history, processed ids with their answers, the last suggestions, the human
 * link) as a JSON string. The AWS SDK's marshalling of nested maps and lists was the largest part of our own
 * CPU per turn: ~0.75 ms for a 3.7 KB item as maps against ~0.08 ms as strings, and with no map attribute
 * left a BM turn measured 1.35× → 1.30× the minimal handler (npm run bench, a). Nothing queries inside
 * these fields; the DynamoDB console shows them as JSON text and `npm run sessions -- show` decodes them.
 * Items written before this encoding (maps and lists) are read as they are.
 */
const ENCODED = ["namespaces", "handover", "history", "processed", "lastSuggestions", "human"] as const;
type Encoded = (typeof ENCODED)[number];

export type SessionItem = Omit<Session, Encoded> & Partial<Record<Encoded, string>>;

export function toSessionItem(session: Session): SessionItem {
  const item: Record<string, unknown> = { ...session };
  for (const name of ENCODED) if (session[name] !== undefined) item[name] = jsonOf(session[name]);
  return item as SessionItem;
}

/** The item's size in bytes as stored, for the byte budget (lib/session/bounds.ts). */
export function sessionItemBytes(session: Session): number {
  const { history: _history, processed: _processed, ...rest } = session;
  return Buffer.byteLength(jsonOf(session.history)) + Buffer.byteLength(jsonOf(session.processed)) + Buffer.byteLength(JSON.stringify(rest));
}

// The two long lists are serialised once per turn: the byte budget's check and the write share the string.
// Sound because the engine never changes a list in place (every change makes a new array).
const serialised = new WeakMap<object, string>();
function jsonOf(value: object): string {
  let json = serialised.get(value);
  if (json === undefined) serialised.set(value, (json = JSON.stringify(value)));
  return json;
}

const DEFAULTS: Partial<Record<Encoded, () => unknown>> = {
  namespaces: () => ({}),
  handover: () => ({ status: "bot" }),
  history: () => [],
  processed: () => [],
};

export function fromSessionItem(item: Record<string, unknown>): Session {
  const session = { ...item };
  for (const name of ENCODED) {
    const value = session[name];
    if (typeof value === "string") session[name] = JSON.parse(value);
    else if (value === undefined && DEFAULTS[name]) session[name] = DEFAULTS[name]();
  }
  return session as unknown as Session;
}
