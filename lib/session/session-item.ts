import type { Session } from "./session";

/**
 * How a session is stored: the keys, version, state and timestamps as plain attributes, and every structured
 * field (namespaces, handover, history, processed ids with their answers, the last suggestions, the human
 * link) as a JSON string: the AWS SDK's marshalling of nested maps and lists was the largest part of our
 * own CPU per turn in a profile, and a string costs a fraction of it. Nothing queries inside
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

/** The item's size in bytes as stored (close enough for the byte budget of lib/session/bounds.ts). */
export function sessionItemBytes(session: Session): number {
  let bytes = 0;
  for (const [name, value] of Object.entries(toSessionItem(session))) bytes += name.length + Buffer.byteLength(String(value));
  return bytes;
}

// Each structured field is serialised once per turn: the byte budget's check and the write share the string.
// Sound because the engine never changes one in place (every change makes a new object or array).
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
