import type { Session } from "./session";

/**
 * Keeps a session item far below DynamoDB's 400 KB: bounded history, bounded dedupe records
 * (by count and age), and a byte budget enforced by dropping the oldest history first, then the
 * oldest recorded answers. Namespaces are the bot's data and are never trimmed silently.
 */
export interface Bounds {
  maxHistory: number;
  maxProcessed: number;
  dedupeMs: number;
  maxItemBytes: number;
}

export const DEFAULT_BOUNDS: Omit<Bounds, "dedupeMs"> = {
  maxHistory: 40,
  maxProcessed: 30,
  maxItemBytes: 100_000,
};

export const itemBytes = (session: Session): number => Buffer.byteLength(JSON.stringify(session), "utf8");

export function applyBounds(session: Session, now: number, bounds: Bounds): Session {
  const next: Session = {
    ...session,
    history: session.history.slice(-bounds.maxHistory),
    processed: session.processed.filter((p) => now - p.at < bounds.dedupeMs).slice(-bounds.maxProcessed),
  };
  while (itemBytes(next) > bounds.maxItemBytes && next.history.length > 0) next.history = next.history.slice(1);
  for (let i = 0; itemBytes(next) > bounds.maxItemBytes && i < next.processed.length; i++) {
    const { messages: _dropped, applied: _alsoDropped, ...idOnly } = next.processed[i]!;
    next.processed = next.processed.map((p, j) => (j === i ? idOnly : p));
  }
  return next;
}
