/**
 * The chat simulator's small model: an adapter per platform turns what the user types into that platform's
 * request and the bot's platform-shaped answer into Blocks, which render.ts lays out as terminal lines.
 */
import { createHash } from "node:crypto";
import type { StackFile } from "../stack-file";
import type { ReadStore } from "../sessions/store";

/** Something the user can pick by its number; `value` is what the adapter sends (platform-specific). */
export interface Choice {
  label: string;
  /** Shown after the label, e.g. Engage's dialog-state id. */
  detail?: string;
  value: unknown;
}

export interface CardView {
  title: string;
  description?: string;
  image?: string;
  choices?: Choice[];
  /** Buttons that do not send anything back (links, calls, maps), as "Caption: target". */
  links?: string[];
}

export type Block =
  /** A chat bubble's text, with the choices and links shown under it. */
  | { kind: "text"; text: string; choices?: Choice[]; links?: string[] }
  /** One card or a carousel's cards, each laid out as a box. */
  | { kind: "cards"; cards: CardView[] }
  /** `[picture] url`, `[location] label url`, … */
  | { kind: "media"; label: string; url: string; caption?: string }
  /** Bot output that is not a bubble (Engage's session and next dialog state). */
  | { kind: "info"; text: string }
  /** "— handed over to a human agent —", HTTP errors, silence. */
  | { kind: "status"; text: string };

/** An inbound kind besides text that a platform's users can send: a picture, a file, a location. */
export type Upload =
  | { type: "picture" | "file"; url: string; name?: string; mimeType?: string }
  | { type: "location"; latitude: number; longitude: number; label?: string };
export type UploadKind = Upload["type"];

export type UserInput =
  | { kind: "text"; text: string }
  | { kind: "choice"; choice: Choice; typed: string }
  | { kind: "upload"; upload: Upload };

/** Who the simulated user is, where the platform carries it (BM's contact, TwoWay's client name, Kommunicate's locale). */
export interface ChatUser {
  name: string;
  locale: string;
}

export const DEFAULT_USER: ChatUser = { name: "Ana", locale: "en" };

/** One HTTP request of a turn and its answer, as sent and received (the chat's /raw and the studio's raw view). */
export interface Exchange {
  at: number;
  /** "inbound": the platform calling the bot's webhook; "outbound": the bot calling the platform (TwoWay replies). */
  direction: "inbound" | "outbound";
  request: { method: string; url: string; headers: Record<string, string>; body: unknown };
  response: { status: number; body: unknown };
}

/** Where the chat goes and with which credentials. */
export interface ChatTarget {
  baseUrl: string;
  /** Webhook settings in use: the running stack's (.local/stack.json), else the environment, else the local defaults. */
  settings: (name: string) => string;
  stack?: StackFile;
  /** The stack's store, when known: lets adapters see handover changes and silent TwoWay turns. */
  store?: ReadStore;
  /** Where this process receives TwoWay replies. */
  outbound: { url: string; host: string; port: number; path: string };
  /** The longest wait for an asynchronous (TwoWay) reply. */
  waitMs: number;
  /** Called with every request the adapter makes and the bot's outbound calls it receives. */
  record?: (exchange: Exchange) => void;
}

export interface Adapter {
  /** Display name, e.g. "Business Messenger (RCS)". */
  readonly title: string;
  /** The platform's key in session ids (`conv#<platform>#<conversation>`). */
  readonly platform: string;
  /** Extra help for interactive mode (e.g. Engage's line syntax). */
  readonly help?: string;
  /** The inbound kinds besides text this platform sends (none: text only). */
  readonly uploads?: readonly UploadKind[];
  /** The platform's id of the last message sent, when the chat chose it (finds the turn's processed entry). */
  lastMessageId?(): string | undefined;
  open?(): Promise<void>;
  close?(): Promise<void>;
  /** A new conversation; returns what the platform shows at its start (e.g. Kommunicate's WELCOME answer). */
  start(conversationId: string): Promise<Block[]>;
  send(input: UserInput): Promise<Block[]>;
  /** Called with bot output that arrives outside a turn (late TwoWay replies, relayed agent messages). */
  onUnsolicited?(print: (blocks: Block[]) => void): void;
}

export const status = (text: string): Block => ({ kind: "status", text });

/** Stable per conversation, so a replay's user (and the demo bank's accounts) are the same on every fresh stack. */
export function derived(conversationId: string, salt: string): string {
  return createHash("sha256").update(`${salt}:${conversationId}`).digest("hex");
}

export function uuidFrom(conversationId: string, salt: string): string {
  const h = derived(conversationId, salt);
  return `${h.slice(0, 8)}-${h.slice(8, 12)}-4${h.slice(13, 16)}-a${h.slice(17, 20)}-${h.slice(20, 32)}`;
}

/** A short nonce per run, so message ids never collide with an earlier run's (each turn is a new message). */
export const runNonce = () => createHash("sha256").update(`${process.pid}:${Date.now()}:${Math.random()}`).digest("hex").slice(0, 8);
