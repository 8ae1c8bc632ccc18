import { findProcessed } from "../../lib/session/processed";
import type { ProcessedEntry } from "../../lib/session/session";

/**
 * The message ids a session's processed entries stand for, named from `candidates`: the item keeps most ids
 * as digests (lib/session/processed.ts), so a test names the ids it expects and sees which entries match
 * them; an entry that matches none stays as stored (a digest), so an unexpected id still fails the test.
 */
export function processedIds(processed: readonly ProcessedEntry[], candidates: readonly string[]): string[] {
  return processed.map((entry) => candidates.find((id) => findProcessed([entry], id) === entry) ?? entry.id);
}
