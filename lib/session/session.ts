import type { HandoverRequest, OutboundMessage, SessionUpdate } from "../conversation";
import { sessionKey } from "./keys";

/** Who holds the conversation. `until` ends a human's hold by itself on platforms with no hand-back signal. */
export type HandoverState =
  | { status: "bot" }
  | { status: "human"; since: number; until?: number; reason?: string; target?: string };

/** Where a user can be reached out of band (e.g. a TwoWay chat): what a relay needs to deliver agent messages. */
export interface Origin {
  platform: string;
  [key: string]: unknown;
}

/**
 * The human side of a handover in an external agent desk (LivePerson): the consumer identity we act as
 * (never expires, fetched once), the open conversation, and relay bookkeeping.
 */
export interface HumanLink {
  provider: "liveperson";
  extConsumerId: string;
  consumerJws: string;
  /** Set while a conversation is open; cleared when it closes. */
  conversationId?: string;
  origin: Origin;
  /** Highest agent message sequence relayed: older or repeated deliveries are dropped. */
  lastSequence?: number;
  /** metaDataLastUpdateTs of the newest conversation change applied: older ones are stale. */
  lastChangeTs?: number;
}

export interface HistoryEntry {
  role: "user" | "bot";
  text: string;
  at: number;
}

/** A processed inbound message and the answer it got: a redelivery gets the same answer, no rerun. */
export interface ProcessedEntry {
  id: string;
  at: number;
  /** Omitted when trimmed to keep the item small; a redelivery then gets no messages. */
  messages?: OutboundMessage[];
  /** The session update and next state the answer carried (platforms like Engage answer them too). */
  applied?: AppliedReply;
  /**
   * An idempotency-keyed call (Engage's requestId): its answer outlives the item's bounds. When the item drops
   * it, it is written as its own item first (lib/session/store.ts, saveAnswer), for the session TTL.
   */
  durable?: true;
}

/** The parts of a BotReply besides messages that a platform may need to repeat on a redelivery. */
export interface AppliedReply {
  session?: SessionUpdate;
  nextDialogstate?: string;
  handover?: HandoverRequest;
}

export interface ReplySuggestion {
  text: string;
  postback: string;
}

/** What the AI cost this conversation, summed over its answered turns (a failure is an `ai.fallback` event instead). */
export interface AiUsage {
  calls: number;
  promptTokens: number;
  completionTokens: number;
  /** The model that answered last. */
  model?: string;
}

/** One conversation: one DynamoDB item in the sessions table. */
export interface Session {
  pk: string;
  /** Optimistic-concurrency counter: 0 = not stored yet; every save writes read version + 1. */
  version: number;
  platform: string;
  conversationId: string;
  userId?: string;
  channel?: string;
  /** The dialog state that handles the next message; absent = the bot's default state. */
  state?: string;
  /** Engage-style session: namespace → key → value, read in messages as `{namespace.key}`. */
  namespaces: Record<string, Record<string, unknown>>;
  handover: HandoverState;
  history: HistoryEntry[];
  processed: ProcessedEntry[];
  human?: HumanLink;
  /** Reply suggestions of the last answer, so "2" or a caption typed on a text-only channel maps back. */
  lastSuggestions?: ReplySuggestion[];
  ai?: AiUsage;
  /**
   * How many durable ids (keyed calls, whose answers outlive the item in items of their own) left `processed`
   * entirely, by count or age: while 0, a keyed id the item does not know is new, and needs no lookup.
   */
  forgotten?: number;
  createdAt: number;
  updatedAt: number;
  /** Epoch seconds: DynamoDB's TTL deletes the item after a period of silence. */
  expiresAt: number;
}

/** Re-exported for importers of this module; the key shapes live in ./keys.ts. */
export { sessionKey };

export function newSession(platform: string, conversationId: string, now: number): Session {
  return {
    pk: sessionKey(platform, conversationId),
    version: 0,
    platform,
    conversationId,
    namespaces: {},
    handover: { status: "bot" },
    history: [],
    processed: [],
    createdAt: now,
    updatedAt: now,
    expiresAt: 0,
  };
}
