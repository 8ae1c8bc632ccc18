import { createHash } from "node:crypto";

/**
 * Every key shape of the two tables and the TTL arithmetic, in one place.
 *
 * Sessions table (`pk` only):
 * - `conv#<platform>#<conversation>`: a conversation's session (tools list conversations by this prefix);
 * - `answer#<platform>#<conversation>#<message>`: a durable recorded answer that left its session item;
 * - `lp#<LivePerson conversation>`: LivePerson conversation → our session;
 * - anything else a bot chooses for its own items through its BotStore (lib/session/bot-store.ts), e.g. the
 *   example bank's `account#<user>`; a bot key may not start with one of the framework's prefixes.
 *
 * Events table (`pk` + `sk`):
 * - `conv#<platform>#<conversation>`: a conversation's events (the same key as its session);
 * - `platform#<platform>#<stream>`: a platform-wide stream (BM's debug reports, undelivered relays);
 * - `jobs#dead-letter`: jobs that failed for good;
 * - `jobs#done#<kind>#<group>#<dedupe id>`: a job that finished, so a redelivery of it does nothing;
 * - `delivery#<platform>#<conversation>#<message>`: how many parts of an out-of-band answer were delivered.
 *
 * Every item that expires carries `expiresAt` in epoch seconds (DynamoDB's TTL attribute): see expiresAt().
 */

/**
 * A caller's id as part of a DynamoDB key: as it is when short (readable in the console), else its SHA-256,
 * so a key built of several ids stays far below DynamoDB's 2048 bytes (counted in UTF-8 bytes).
 */
export function keyPart(id: string, maxBytes = 256): string {
  return Buffer.byteLength(id) <= maxBytes ? id : `sha256:${createHash("sha256").update(id).digest("hex")}`;
}

/** A conversation's session item, and the partition of its events. */
export const sessionKey = (platform: string, conversationId: string) => `conv#${platform}#${conversationId}`;

/** Not `conv#…`: tools that list conversations by that prefix do not see these. */
export const answerKey = (platform: string, conversationId: string, messageId: string) =>
  `answer#${platform}#${keyPart(conversationId, 512)}#${keyPart(messageId)}`;

/** The LivePerson conversation index item. */
export const lpConversationKey = (lpConversationId: string) => `lp#${lpConversationId}`;

/** A platform-wide event stream, e.g. `platform#bm#debug`. */
export const platformStreamKey = (platform: string, stream: string) => `platform#${platform}#${stream}`;

/** The events partition of jobs that failed for good. */
export const DEAD_LETTER_KEY = "jobs#dead-letter";

/** The completion record of one job (sort key `delivered`, like a delivery's progress): see lib/jobs/worker.ts. */
export const jobDoneKey = (kind: string, group: string, dedupeId: string) => `jobs#done#${kind}#${keyPart(group)}#${keyPart(dedupeId)}`;

/** Delivery progress of one out-of-band answer (ids are bounded by the platforms' schemas). */
export const deliveryKey = (platform: string, conversationId: string, messageId: string) => `delivery#${platform}#${conversationId}#${messageId}`;

/** Prefixes of the framework's own items: a bot's keys must not start with one. */
export const FRAMEWORK_PREFIXES = ["conv#", "answer#", "lp#", "platform#", "jobs#", "delivery#"] as const;

/** Refuses a bot key that is empty, too long for DynamoDB, or that could collide with the framework's items. */
export function assertBotKey(key: string): string {
  if (!key) throw new RangeError("a bot store key must not be empty");
  if (Buffer.byteLength(key) > 2048) throw new RangeError("a bot store key must be at most 2048 bytes (hash long ids with keyPart)");
  const taken = FRAMEWORK_PREFIXES.find((prefix) => key.startsWith(prefix));
  if (taken) throw new RangeError(`a bot store key must not start with the framework's "${taken}"`);
  return key;
}

const SECONDS_PER_DAY = 86_400;

/** DynamoDB's TTL attribute for an item that should live `days` from `now` (epoch ms): epoch seconds. */
export function expiresAt(now: number, days: number): number {
  return Math.floor(now / 1000) + days * SECONDS_PER_DAY;
}

/** Whether an item with this `expiresAt` (epoch seconds) has expired at `now` (epoch ms): TTL deletion lags by days. */
export function hasExpired(expiresAtSeconds: number, now: number): boolean {
  return expiresAtSeconds * 1000 <= now;
}
