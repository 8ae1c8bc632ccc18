import { createHash } from "node:crypto";
import type { ProcessedEntry } from "./session";

/**
 * Processed message ids are most of a session item's bytes (up to 100 of them, each kept for
 * DEDUPE_TTL_HOURS), and every turn reads and writes the item whole. An id whose answer is no longer kept
 * is only asked "seen before?", so the item stores 7 bytes of its SHA-256 instead of the id
 * (lib/session/session-item.ts), and it reads back as `#` + those bytes in hex. Two different ids of one
 * conversation share a digest with a chance of about n²/2⁵⁷ (7·10⁻¹⁴ for 100 ids): the newer message would
 * be taken for a duplicate and get the older one's recorded answer (none, by then).
 */
export const DIGEST_BYTES = 7;
const DIGEST_PREFIX = "#";

/** The bytes an id is stored as once its answer is dropped. */
export function idDigestBytes(id: string): Buffer {
  if (isIdDigest(id)) return Buffer.from(id.slice(DIGEST_PREFIX.length), "hex");
  return createHash("sha256").update(id).digest().subarray(0, DIGEST_BYTES);
}

/** How a stored digest reads back as an id. */
export const idDigest = (bytes: Uint8Array): string => idDigestOfHex(Buffer.from(bytes).toString("hex"));
export const idDigestOfHex = (hex: string): string => DIGEST_PREFIX + hex;

const DIGEST_ID = new RegExp(`^${DIGEST_PREFIX}[0-9a-f]{${2 * DIGEST_BYTES}}$`);
export const isIdDigest = (id: string): boolean => id.length === DIGEST_PREFIX.length + 2 * DIGEST_BYTES && DIGEST_ID.test(id);

/** The entry recording `id`, whether it is kept whole or as its digest. */
export function findProcessed(processed: readonly ProcessedEntry[], id: string): ProcessedEntry | undefined {
  if (processed.length === 0) return undefined;
  const digest = idDigest(idDigestBytes(id));
  return processed.find((p) => p.id === id || p.id === digest);
}

export const wasProcessed = (processed: readonly ProcessedEntry[], id: string): boolean => findProcessed(processed, id) !== undefined;

export const hasAnswer = (p: ProcessedEntry): boolean => p.messages !== undefined || p.applied !== undefined;
