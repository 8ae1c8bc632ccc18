import type { Session } from "./session";

/**
 * How a session is stored. What a person inspects or a bot reads (state, namespaces, handover, human,
 * timestamps) stays as DynamoDB attributes; the engine's bookkeeping, the bounded history and the processed
 * messages with their recorded answers, is stored as two JSON strings. Those lists of maps were most of the
 * item, and marshalling them cost ~0.75 ms of CPU per turn for a 3.7 KB item (map attributes walked four
 * times: marshall, serialize, parse, unmarshall), where a string costs ~0.08 ms (npm run bench, section a).
 * Nothing queries inside them. Items written before this encoding (arrays) are read as they are.
 */
const ENCODED = ["history", "processed"] as const;

export type SessionItem = Omit<Session, (typeof ENCODED)[number]> & Record<(typeof ENCODED)[number], string>;

export function toSessionItem(session: Session): SessionItem {
  return { ...session, history: jsonOf(session.history), processed: jsonOf(session.processed) };
}

/** The item's size in bytes as stored, for the byte budget (lib/session/bounds.ts). */
export function sessionItemBytes(session: Session): number {
  const { history: _history, processed: _processed, ...rest } = session;
  return Buffer.byteLength(jsonOf(session.history)) + Buffer.byteLength(jsonOf(session.processed)) + Buffer.byteLength(JSON.stringify(rest));
}

// Each list is serialised once per turn: the byte budget's check and the write share the string. Sound
// because the engine never changes a list in place (every change makes a new array).
const serialised = new WeakMap<object, string>();
function jsonOf(list: object): string {
  let json = serialised.get(list);
  if (json === undefined) serialised.set(list, (json = JSON.stringify(list)));
  return json;
}

export function fromSessionItem(item: Record<string, unknown>): Session {
  const session = { ...item } as Record<string, unknown>;
  for (const name of ENCODED) {
    const value = session[name];
    session[name] = typeof value === "string" ? (JSON.parse(value) as unknown) : (value ?? []);
  }
  return session as unknown as Session;
}
