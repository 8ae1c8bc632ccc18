/**
 * Playing LivePerson's human agent: `npm start` runs the project's LivePerson stand-in (test/support) as the desk
 * the handlers call (LP_CSDS_URL), and the studio acts as its agent. The stand-in holds what the consumer side
 * sent (the transcript, the user's forwarded messages); an agent's action is sent to the stack's
 * /liveperson/webhook as LivePerson sends it, signed with LP_CLIENT_SECRET, and the bridge relays it to the user.
 */
import { signLivePersonBody } from "../../lib/platforms/liveperson/verify";
import { conversationNotification, hostedFileEvent, messagingNotification, textEvent } from "../../test/platforms/liveperson/fixtures";
import { startLivePersonStandIn, type LivePersonStandIn } from "../../test/support/liveperson-standin";
import { StudioError } from "./http-kit";

/** The settings the handlers get so that this stand-in is their LivePerson. */
export interface DeskSettings {
  LP_ACCOUNT_ID: string;
  LP_CLIENT_ID: string;
  LP_CLIENT_SECRET: string;
  LP_CSDS_URL: string;
}

export interface DeskMessage {
  from: "consumer" | "agent";
  sequence: number;
  at: number;
  text: string;
}

export interface DeskConversation {
  id: string;
  /** Who the consumer is on our side, e.g. `twoway:<chat id>`. */
  consumer: string;
  state: "OPEN" | "CLOSE";
  accepted: boolean;
  messages: DeskMessage[];
}

export class AgentDesk {
  private readonly agentMessages = new Map<string, DeskMessage[]>();
  private readonly accepted = new Set<string>();
  private readonly seen = new Map<string, number>(); // consumer message sequence → first seen at
  private webhookUrl = "";

  private constructor(private readonly standIn: LivePersonStandIn) {}

  static async start(): Promise<AgentDesk> {
    return new AgentDesk(await startLivePersonStandIn({ accountId: "12345678", clientId: "local-lp-client", clientSecret: "local-lp-client-secret" }));
  }

  get settings(): DeskSettings {
    return { LP_ACCOUNT_ID: this.standIn.accountId, LP_CLIENT_ID: this.standIn.clientId, LP_CLIENT_SECRET: this.standIn.clientSecret, LP_CSDS_URL: this.standIn.url };
  }

  /** Where agent actions go: the stack's LivePerson webhook (known once the stack serves HTTP). */
  connect(stackUrl: string): void {
    this.webhookUrl = `${stackUrl}/liveperson/webhook`;
  }

  list(): DeskConversation[] {
    return this.standIn.conversationsOpened.map((c) => {
      const consumer = this.standIn.messages(c.conversationId).map((m): DeskMessage => {
        const key = `${c.conversationId}#${m.sequence}`;
        if (!this.seen.has(key)) this.seen.set(key, Date.now());
        return { from: "consumer", sequence: m.sequence, at: this.seen.get(key)!, text: String(m.event.message ?? "") };
      });
      const messages = [...consumer, ...(this.agentMessages.get(c.conversationId) ?? [])].sort((a, b) => a.at - b.at || a.sequence - b.sequence);
      return { id: c.conversationId, consumer: c.extConsumerId, state: c.state, accepted: this.accepted.has(c.conversationId), messages };
    });
  }

  /** The agent takes the conversation: LivePerson's conversation change with an assigned agent. */
  async accept(id: string): Promise<void> {
    this.open(id);
    await this.post(this.standIn.conversationChange(id, Date.now()));
    this.accepted.add(id);
  }

  async write(id: string, text: string): Promise<void> {
    this.open(id);
    await this.post(messagingNotification({ dialogId: id, sequence: this.nextSequence(id), serverTimestamp: Date.now() }, textEvent(text)));
    this.remember(id, text);
  }

  /** An agent's file share (LP's hosted file): the user gets its caption, as the bridge relays it. */
  async shareFile(id: string, caption: string): Promise<void> {
    this.open(id);
    await this.post(messagingNotification({ dialogId: id, sequence: this.nextSequence(id), serverTimestamp: Date.now() }, hostedFileEvent(caption)));
    this.remember(id, `[file] ${caption}`);
  }

  /** The agent closes the conversation: the bridge hands it back to the bot. */
  async close(id: string): Promise<void> {
    this.open(id);
    this.standIn.closeByAgent(id);
    await this.post(conversationNotification(id, { state: "CLOSE", ts: Date.now(), roles: [] }));
  }

  /** The open desk conversation of one of our sessions (its `human.conversationId`), if the stand-in has it. */
  has(id: string): boolean {
    return this.standIn.conversationsOpened.some((c) => c.conversationId === id && c.state === "OPEN");
  }

  shutdown(): Promise<void> {
    return this.standIn.close();
  }

  private open(id: string): void {
    const c = this.standIn.conversationsOpened.find((x) => x.conversationId === id);
    if (!c) throw new StudioError(404, `no LivePerson conversation ${id} on the stand-in`);
    if (c.state !== "OPEN") throw new StudioError(409, `LivePerson conversation ${id} is closed`);
  }

  /** Agent sequences continue the conversation's: LivePerson numbers every message of a dialog in one series. */
  private nextSequence(id: string): number {
    return this.standIn.messages(id).length + (this.agentMessages.get(id)?.length ?? 0) + 1;
  }

  private remember(id: string, text: string): void {
    const list = this.agentMessages.get(id) ?? [];
    list.push({ from: "agent", sequence: this.nextSequence(id), at: Date.now(), text });
    this.agentMessages.set(id, list);
  }

  private async post(notification: unknown): Promise<void> {
    if (!this.webhookUrl) throw new StudioError(503, "the stack is not serving yet");
    const raw = JSON.stringify(notification);
    const res = await fetch(this.webhookUrl, {
      method: "POST",
      headers: {
        "content-type": "application/json",
        "x-liveperson-signature": signLivePersonBody(raw, this.standIn.clientSecret),
        "x-liveperson-client-id": this.standIn.clientId,
        "x-liveperson-account-id": this.standIn.accountId,
      },
      body: raw,
      signal: AbortSignal.timeout(10_000),
    });
    const text = await res.text();
    if (res.status !== 200) throw new StudioError(502, `the stack's LivePerson webhook answered ${res.status}: ${text.slice(0, 300)}`);
  }
}
