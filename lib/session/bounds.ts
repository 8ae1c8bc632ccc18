import { hasAnswer } from "./processed";
import type { HistoryEntry, ProcessedEntry, Session } from "./session";
import { sessionItemBytes } from "./session-item";

/**
 * Keeps a session item small (every turn reads and writes it whole, billed by its size) and far below
 * DynamoDB's 400 KB: bounded history (lines and bytes), bounded dedupe records (by count and age), and a
 * byte budget enforced by dropping the oldest history first, then the oldest recorded answers. Namespaces
 * are the bot's data and are never trimmed silently.
 */
export interface Bounds {
  maxHistory: number;
  /**
   * The history's text, in UTF-8 bytes: the newest lines that fit. What reads history needs no more: the AI
   * resends AI_HISTORY turns (6 by default: 6 questions with 600-character answers fit), a LivePerson
   * agent's transcript shows the last 20 lines.
   */
  maxHistoryBytes: number;
  /** Processed message ids remembered (within dedupeMs): a redelivery behind more newer messages runs again. */
  maxProcessed: number;
  /** Of those, the newest keep their answer too: a redelivery comes soon after, and answers are most of the item. */
  maxAnswers: number;
  /**
   * And every answer younger than this, however many: during a burst, a redelivery racing its original may
   * wait out the rerun backoff (up to RERUN_BACKOFF.maxMs, lib/session/backoff.ts) within its platform's answer
   * budget (BM: 5 s) while more than maxAnswers newer turns commit, and must still find the original's answer.
   * Within the byte budget, which trims the oldest answers first.
   */
  answerKeepMs: number;
  dedupeMs: number;
  maxItemBytes: number;
}

// 100 ids: a burst of 50 concurrent messages, each redelivered after its 503, stays inside (a bound of 30
// let redeliveries run twice, test/faults). An id record is ~50 bytes of the item, and every turn reads and
// writes the item whole (1 WCU per KB): more ids cost every turn. Answers are kept for the newest 5: a
// redelivery that needs one (the platform lost our answer) comes within seconds; and for 10 s (a 2 s rerun wait
// plus a 5 s answer budget, with room), so a burst's twin deliveries both get the answer (test/faults).
export const DEFAULT_BOUNDS: Omit<Bounds, "dedupeMs"> = {
  maxHistory: 40,
  maxHistoryBytes: 4_000,
  maxProcessed: 100,
  maxAnswers: 5,
  answerKeepMs: 10_000,
  maxItemBytes: 100_000,
};

export const itemBytes = sessionItemBytes;

export function applyBounds(session: Session, now: number, bounds: Bounds): Session {
  const next: Session = {
    ...session,
    history: newestFitting(session.history.slice(-bounds.maxHistory), bounds.maxHistoryBytes),
    processed: session.processed.filter((p) => now - p.at < bounds.dedupeMs).slice(-bounds.maxProcessed),
  };
  const firstAnswered = next.processed.length - bounds.maxAnswers;
  next.processed = next.processed.map((p, i) => (i < firstAnswered && hasAnswer(p) && now - p.at >= bounds.answerKeepMs ? idOnly(p) : p));
  if (itemBytes(next) <= bounds.maxItemBytes) return next; // the usual case
  while (itemBytes(next) > bounds.maxItemBytes && next.history.length > 0) next.history = next.history.slice(1);
  for (let i = 0; itemBytes(next) > bounds.maxItemBytes && i < next.processed.length; i++) {
    next.processed = next.processed.map((p, j) => (j === i ? idOnly(p) : p));
  }
  return next;
}

/** The newest lines whose text fits in `maxBytes` (the array itself when all do: the usual case). */
function newestFitting(history: HistoryEntry[], maxBytes: number): HistoryEntry[] {
  let bytes = 0;
  for (let i = history.length - 1; i >= 0; i--) {
    bytes += Buffer.byteLength(history[i]!.text);
    if (bytes > maxBytes) return history.slice(i + 1);
  }
  return history;
}

function idOnly({ id, at, durable }: ProcessedEntry): ProcessedEntry {
  return durable ? { id, at, durable } : { id, at };
}

/** Durable entries of `before` whose answer `after` no longer holds (trimmed to the id, or dropped). */
export function answersLeaving(before: ProcessedEntry[], after: ProcessedEntry[]): ProcessedEntry[] {
  const kept = new Set(after.filter(hasAnswer).map((p) => p.id));
  return before.filter((p) => p.durable && hasAnswer(p) && !kept.has(p.id));
}

