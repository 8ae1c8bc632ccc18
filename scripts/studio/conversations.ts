/**
 * The studio's conversations: one chat adapter of scripts/chat per conversation (the same signed requests as
 * `npm run chat`), and each conversation's entries as the page shows them: what the user sent, what the bot
 * answered (its blocks, the turn's raw HTTP, the renderer's cuts, the neutral messages for "render everywhere")
 * and what arrived out of band (an agent's message relayed, a late reply).
 */
import { randomUUID } from "node:crypto";
import type { OutboundMessage } from "../../lib/conversation";
import { findProcessed } from "../../lib/session/processed";
import type { ProcessedEntry, Session } from "../../lib/session/session";
import { ADAPTERS } from "../chat/index";
import { peekSession } from "../chat/http";
import type { OutboundHub } from "../chat/twoway-outbound";
import { twowayAdapter } from "../chat/twoway";
import { DEFAULT_USER, type Adapter, type Block, type ChatTarget, type ChatUser, type Choice, type Exchange, type Upload, type UploadKind, type UserInput } from "../chat/types";
import { renderOn, STUDIO_BM_CHANNELS, withSmsCost, type StudioBlock } from "./everywhere";
import { StudioError } from "./http-kit";

export type Entry =
  | { seq: number; at: number; who: "user"; text: string }
  | {
      seq: number;
      at: number;
      who: "bot";
      blocks: StudioBlock[];
      exchanges: Exchange[];
      /** What the platform's renderer cut or turned into text for this reply, and why. */
      degradations: string[];
      /** The bot's neutral messages, when the session recorded them: "render on every platform" uses them. */
      neutral?: OutboundMessage[];
      handover: "bot" | "human";
    }
  | { seq: number; at: number; who: "relay"; blocks: StudioBlock[]; exchanges: Exchange[] };

export interface ConversationView {
  id: string;
  platform: string;
  channel?: string;
  title: string;
  user: ChatUser;
  uploads: readonly UploadKind[];
  help?: string;
  handover: "bot" | "human";
  entries: Entry[];
}

interface Conversation extends Omit<ConversationView, "entries"> {
  entries: Entry[];
  adapter: Adapter;
  /** Exchanges recorded since the last entry took them. */
  pending: Exchange[];
  /** Turns run one at a time, like a user's messages. */
  queue: Promise<unknown>;
  busy: boolean;
}

export interface NewConversation {
  platform: string;
  channel?: string;
  name?: string;
  locale?: string;
  conversationId?: string;
}

const CONVERSATION_ID = /^[A-Za-z0-9_.:-]{1,80}$/;

export class StudioChats {
  private readonly conversations = new Map<string, Conversation>();
  private seq = 0;

  constructor(
    private readonly target: ChatTarget,
    /** The one listener for TwoWay replies, shared by the studio's TwoWay conversations. */
    private readonly twowayHub: () => Promise<OutboundHub>,
  ) {}

  list(): Omit<ConversationView, "entries">[] {
    return [...this.conversations.values()].map(({ id, platform, channel, title, user, uploads, handover }) => ({ id, platform, ...(channel ? { channel } : {}), title, user, uploads, handover }));
  }

  view(id: string, since = 0): ConversationView {
    const c = this.get(id);
    const { adapter: _adapter, pending: _pending, queue: _queue, busy: _busy, ...view } = c;
    return { ...view, entries: c.entries.filter((e) => e.seq > since) };
  }

  async open(request: NewConversation): Promise<ConversationView> {
    const factory = ADAPTERS[request.platform];
    if (!factory) throw new StudioError(400, `unknown platform "${request.platform}": use ${Object.keys(ADAPTERS).join(", ")}`);
    let channel: string | undefined;
    if (request.platform === "bm") {
      channel = STUDIO_BM_CHANNELS.find((c) => c.toLowerCase() === (request.channel ?? "RCS").toLowerCase());
      if (!channel) throw new StudioError(400, `unknown Business Messenger channel "${request.channel}": use ${STUDIO_BM_CHANNELS.join(", ")}`);
    } else if (request.channel) throw new StudioError(400, "channel is for Business Messenger (bm) only");
    const id = request.conversationId ?? `studio-${randomUUID().slice(0, 8)}`;
    if (!CONVERSATION_ID.test(id)) throw new StudioError(400, "conversationId: 1-80 letters, digits, _ . : -");
    if (this.conversations.has(`${request.platform}#${id}`)) throw new StudioError(409, `conversation ${request.platform}#${id} is open already`);
    const user: ChatUser = { name: request.name?.trim() || DEFAULT_USER.name, locale: request.locale?.trim() || DEFAULT_USER.locale };

    const pending: Exchange[] = [];
    const target: ChatTarget = { ...this.target, record: (e) => pending.push(e) };
    const adapter = request.platform === "twoway" ? twowayAdapter(target, user, await this.twowayHub()) : factory(target, channel, user);
    const key = `${request.platform}#${id}`;
    const conversation: Conversation = {
      id: key,
      platform: request.platform,
      ...(channel ? { channel } : {}),
      title: adapter.title,
      user,
      uploads: adapter.uploads ?? [],
      ...(adapter.help ? { help: adapter.help } : {}),
      handover: "bot",
      entries: [],
      adapter,
      pending,
      queue: Promise.resolve(),
      busy: false,
    };
    adapter.onUnsolicited?.((blocks) => this.push(conversation, { who: "relay", blocks: withSmsCost(blocks, channel), exchanges: pending.splice(0) }));
    await adapter.open?.();
    this.conversations.set(key, conversation);
    const blocks = await adapter.start(id);
    if (blocks.length) await this.answer(conversation, id, blocks);
    return this.view(key);
  }

  /** One user message; resolves with the entries it added. */
  send(key: string, input: StudioInput): Promise<Entry[]> {
    const c = this.get(key);
    const run = async () => {
      const userInput = toUserInput(input, c);
      const before = c.entries.length;
      c.pending.length = 0;
      c.busy = true;
      try {
        this.push(c, { who: "user", text: describeInput(userInput) });
        await this.answer(c, key.slice(key.indexOf("#") + 1), await c.adapter.send(userInput));
      } finally {
        c.busy = false;
      }
      return c.entries.slice(before);
    };
    const turn = c.queue.then(run, run);
    c.queue = turn.catch(() => undefined);
    return turn;
  }

  /** The neutral messages of one bot entry, for "render on every platform". */
  neutral(key: string, seq: number): OutboundMessage[] {
    const entry = this.get(key).entries.find((e) => e.seq === seq);
    if (!entry || entry.who !== "bot") throw new StudioError(404, `no bot reply ${seq} in ${key}`);
    if (!entry.neutral) throw new StudioError(404, "the session kept no messages for this reply (nothing answered, or trimmed)");
    return entry.neutral;
  }

  /** The conversation's stored handover, after an action elsewhere (hand back, the agent's close). */
  async refresh(key: string): Promise<void> {
    const c = this.conversations.get(key);
    if (!c) return;
    if (c.busy) return; // a turn's own answer sets the handover it ended with
    const session = await peekSession(this.target.store, c.platform, key.slice(key.indexOf("#") + 1));
    c.handover = session?.handover.status ?? "bot";
  }

  async close(): Promise<void> {
    await Promise.all([...this.conversations.values()].map((c) => c.adapter.close?.().catch(() => undefined)));
    this.conversations.clear();
  }

  private get(key: string): Conversation {
    const c = this.conversations.get(key);
    if (!c) throw new StudioError(404, `no studio conversation ${key}`);
    return c;
  }

  private push(c: Conversation, entry: DistributiveOmit<Entry, "seq" | "at">): void {
    c.entries.push({ ...entry, seq: ++this.seq, at: Date.now() } as Entry);
  }

  /** The bot's entry: its blocks, and what the session recorded for the turn (neutral messages, handover). */
  private async answer(c: Conversation, conversationId: string, blocks: Block[]): Promise<void> {
    const session = await peekSession(this.target.store, c.platform, conversationId);
    c.handover = session?.handover.status ?? "bot";
    const recorded = session ? turnEntry(session, c.adapter.lastMessageId?.()) : undefined;
    const neutral = recorded?.messages;
    const degradations = neutral ? renderOn(c.platform, c.channel, neutral).degradations : [];
    this.push(c, { who: "bot", blocks: withSmsCost(blocks, c.channel), exchanges: c.pending.splice(0), degradations, ...(neutral ? { neutral } : {}), handover: c.handover });
  }
}

type DistributiveOmit<T, K extends PropertyKey> = T extends unknown ? Omit<T, K> : never;

/** The turn's processed entry: by the message id the adapter chose, else (Botpress, Engage) the newest one. */
function turnEntry(session: Session, messageId: string | undefined): ProcessedEntry | undefined {
  if (messageId) return findProcessed(session.processed, messageId);
  return session.processed.reduce<ProcessedEntry | undefined>((newest, p) => (!newest || p.at >= newest.at ? p : newest), undefined);
}

/** What the page sends: text, a tapped choice (as the reply offered it), or an upload. */
export type StudioInput = { kind: "text"; text: string } | { kind: "choice"; choice: Choice; index: number } | { kind: "upload"; upload: Upload };

function toUserInput(input: StudioInput, c: Conversation): UserInput {
  if (input.kind === "upload" && !c.uploads.includes(input.upload.type)) {
    throw new StudioError(400, `${c.title} sends no ${input.upload.type} here: ${c.uploads.length ? c.uploads.join(", ") : "text only"}`);
  }
  if (input.kind === "choice") return { kind: "choice", choice: input.choice, typed: String(input.index) };
  return input;
}

function describeInput(input: UserInput): string {
  if (input.kind === "text") return input.text;
  if (input.kind === "choice") return `→ ${input.choice.label}`;
  const u = input.upload;
  return u.type === "location" ? `[location] ${u.latitude}, ${u.longitude}${u.label ? ` ${u.label}` : ""}` : `[${u.type}] ${u.name ?? u.url}`;
}
