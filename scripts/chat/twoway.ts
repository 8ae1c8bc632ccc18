/**
 * CM.com TwoWay: each line is a POST /twoway/messages (header x-webhook-secret) carrying one ClientOriginated
 * text; the stack answers 201 and its job POSTs the reply to TWOWAY_OUTBOUND_URL, which `npm start` points at
 * this simulator (http://127.0.0.1:$CHAT_OUTBOUND_PORT/twoway/outbound, default port 3099). Each POSTed
 * `conversationMessages[].text` is shown as bot output. Suggestions arrive as numbered text lines: the user
 * types the number (or the caption) and the bot maps it back, as on a real TwoWay channel.
 */
import type { TwoWayDeliveryInput } from "../../lib/platforms/twoway/schema";
import { exchange, handoverChange, httpError, peekSession } from "./http";
import { openOutboundHub, type OutboundBody, type OutboundHub } from "./twoway-outbound";
import { DEFAULT_USER, derived, runNonce, status, type Adapter, type Block, type ChatTarget, type ChatUser, type Exchange, type UserInput } from "./types";
import { findProcessed } from "../../lib/session/processed";

/** The chat shape of test/platforms/twoway/fixtures.ts (twChat), for one conversation. */
export function twDelivery(conversationId: string, messageId: string, text: string, user: ChatUser = DEFAULT_USER): TwoWayDeliveryInput {
  const client = `316${(parseInt(derived(conversationId, "twoway-client").slice(0, 12), 16) % 1e8).toString().padStart(8, "0")}`;
  return {
    chat: {
      id: conversationId,
      sessionId: `session-${conversationId}`,
      accountId: "local-chat",
      channel: "WhatsApp",
      conversationClientId: client,
      conversationHostId: "31201234567",
      conversationClientName: user.name,
    },
    conversationMessages: [{ $type: "text", id: messageId, direction: "ClientOriginated", createdOn: new Date().toISOString(), text }],
  };
}

export const outboundBlocks = (body: OutboundBody): Block[] =>
  (body.conversationMessages ?? []).map((m): Block => ({ kind: "text", text: typeof m.text === "string" ? m.text : JSON.stringify(m) }));

/**
 * `hub`: a listener shared with other conversations (the studio); the adapter then ignores their replies.
 * Without one, the adapter opens its own and reports replies of other conversations as unsolicited output.
 */
export function twowayAdapter(target: ChatTarget, user: ChatUser = DEFAULT_USER, hub?: OutboundHub): Adapter {
  const nonce = runNonce();
  let conversationId = "";
  let turn = 0;
  let lastId: string | undefined;
  let handover: "bot" | "human" | undefined;
  let own: OutboundHub | undefined;
  let unsubscribe: (() => void) | undefined;
  /** Replies of the conversation not yet shown; a waiting turn takes them. */
  const inbox: OutboundBody[] = [];
  let waiting = false;
  let wake: (() => void) | undefined;
  let unsolicited: ((blocks: Block[]) => void) | undefined;

  const receive = (body: OutboundBody, delivery: Exchange) => {
    const other = body.chat?.id !== conversationId;
    if (other && hub) return;
    if (!other) target.record?.(delivery);
    if (!waiting || other) {
      if (unsolicited) return unsolicited(other ? [status(`reply for conversation ${body.chat?.id}`), ...outboundBlocks(body)] : outboundBlocks(body));
      if (other) return;
    }
    inbox.push(body);
    wake?.();
  };

  return {
    title: "CM.com TwoWay (WhatsApp)",
    platform: "twoway",
    lastMessageId: () => lastId,
    async open() {
      if (!hub) own = await openOutboundHub(target);
      unsubscribe = (hub ?? own)!.subscribe(receive);
    },
    async close() {
      unsubscribe?.();
      await own?.close();
    },
    onUnsolicited(print) {
      unsolicited = print;
    },
    async start(id) {
      conversationId = id;
      handover = undefined;
      inbox.length = 0;
      return [];
    },
    async send(input: UserInput) {
      // TwoWay's contract here covers text only: the chat offers no uploads (Adapter.uploads) for it.
      if (input.kind === "upload") return [status("TwoWay sends text only here: pictures, files and locations are skipped by the webhook")];
      const text = input.kind === "text" ? input.text : input.typed;
      const messageId = `${conversationId}-${nonce}-${++turn}`;
      lastId = messageId;
      inbox.length = 0;
      waiting = true;
      try {
        const answer = await exchange(target, "/twoway/messages", {
          method: "POST",
          headers: { "content-type": "application/json", "x-webhook-secret": target.settings("TWOWAY_WEBHOOK_SECRET") },
          body: JSON.stringify(twDelivery(conversationId, messageId, text, user)),
        });
        if (answer.status !== 201) return [httpError(answer)];
        const reply = await waitForReply(messageId);
        const change = handoverChange(handover, await peekSession(target.store, "twoway", conversationId));
        handover = change.now;
        if (reply === "silent") return [status("(no reply: a human has the conversation)"), ...change.blocks];
        if (reply === "timeout") return [status(`(no reply within ${target.waitMs / 1000} s)`), ...change.blocks];
        return [...outboundBlocks(reply), ...change.blocks];
      } finally {
        waiting = false;
      }
    },
  };

  /** The reply POSTed for this turn; "silent" when the session shows the turn answered with nothing. */
  async function waitForReply(messageId: string): Promise<OutboundBody | "silent" | "timeout"> {
    const deadline = Date.now() + target.waitMs;
    let nextPeek = Date.now() + 150;
    while (Date.now() < deadline) {
      const body = inbox.shift();
      if (body) return body;
      if (target.store && Date.now() >= nextPeek) {
        nextPeek = Date.now() + 150;
        const session = await peekSession(target.store, "twoway", conversationId);
        const done = session ? findProcessed(session.processed, messageId) : undefined;
        if (done && (done.messages?.length ?? 0) === 0 && inbox.length === 0) return "silent";
      }
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, 50);
        wake = () => {
          clearTimeout(timer);
          resolve();
        };
      });
      wake = undefined;
    }
    return inbox.shift() ?? "timeout";
  }
}
