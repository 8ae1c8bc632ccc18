/**
 * Kommunicate: a conversation starts with the WELCOME event, as the widget sends it; each line is a POST
 * /kommunicate/webhook with the configured secret header, and the answer array's bubbles are shown
 * (templates 6 and 11 as choices and links, 10 as cards, 9/14 as media, 3 as links). A picked suggested reply
 * sends the option's `message` as the user's text, as the widget does. `KM_ASSIGN_TO` and the silent `[]`
 * while an agent holds the chat become status lines.
 */
import type { KommunicateWebhookRequestInput } from "../../lib/platforms/kommunicate/schema";
import { exchange, httpError } from "./http";
import { DEFAULT_USER, runNonce, status, type Adapter, type Block, type CardView, type ChatTarget, type ChatUser, type Choice, type Upload, type UserInput } from "./types";

type Json = Record<string, unknown>;

/** The request shape of test/platforms/kommunicate/fixtures.ts (kmRequest). */
export function kmRequest(conversationId: string, key: string, fields: Partial<KommunicateWebhookRequestInput>): KommunicateWebhookRequestInput {
  return {
    botId: "acme-bot",
    key,
    from: `user-${conversationId}`,
    message: "",
    groupId: conversationId,
    contentType: "text",
    applicationKey: "local-chat",
    source: "web",
    eventName: "",
    createdAt: Date.now(),
    metadata: {},
    ...fields,
  };
}

interface ReplyValue {
  message: string;
  metadata?: Json;
}

/** An upload as the widget sends it: KOMMUNICATE_MEDIA_EVENT with one attachment in KM_CHAT_CONTEXT. */
function kmUploadAttachment(upload: Upload): { type: string; payload: Json } {
  if (upload.type === "location") return { type: "location", payload: { lat: upload.latitude, lon: upload.longitude } };
  const type = upload.mimeType ?? (upload.type === "picture" ? "image/jpeg" : "application/pdf");
  return { type, payload: { url: upload.url, ...(upload.name ? { name: upload.name } : {}) } };
}

export function kommunicateAdapter(target: ChatTarget, user: ChatUser = DEFAULT_USER): Adapter {
  const nonce = runNonce();
  let conversationId = "";
  let turn = 0;
  let lastId: string | undefined;

  /** The user's locale goes with every message, as the widget sends it in KM_CHAT_CONTEXT. */
  const post = async (fields: Partial<KommunicateWebhookRequestInput>, context: Json = {}): Promise<Block[]> => {
    lastId = `${conversationId}-${nonce}-${++turn}`;
    const metadata = { ...(fields.metadata as Json | undefined), KM_CHAT_CONTEXT: { kmUserLocale: user.locale, ...context } };
    const request = kmRequest(conversationId, lastId, { ...fields, metadata });
    const header = target.settings("KOMMUNICATE_WEBHOOK_HEADER");
    const answer = await exchange(
      target,
      "/kommunicate/webhook",
      { method: "POST", headers: { "content-type": "application/json", [header]: target.settings("KOMMUNICATE_WEBHOOK_SECRET") }, body: JSON.stringify(request) },
      header,
    );
    if (answer.status !== 200) return [httpError(answer)];
    if (!Array.isArray(answer.json)) return [status(`unexpected answer: ${answer.text.slice(0, 300)}`)];
    return kommunicateBlocks(answer.json as Json[]);
  };

  return {
    title: "Kommunicate",
    platform: "kommunicate",
    uploads: ["picture", "file", "location"],
    lastMessageId: () => lastId,
    async start(id) {
      conversationId = id;
      return [status("conversation opened: WELCOME event"), ...(await post({ eventName: "WELCOME" }))];
    },
    async send(input: UserInput) {
      if (input.kind === "text") return post({ message: input.text });
      if (input.kind === "upload") return post({ eventName: "KOMMUNICATE_MEDIA_EVENT", message: "" }, { attachments: [kmUploadAttachment(input.upload)] });
      const value = input.choice.value as ReplyValue;
      return post({ message: value.message, ...(value.metadata ? { metadata: value.metadata } : {}) });
    },
  };
}

const str = (v: unknown) => (typeof v === "string" ? v : v === undefined || v === null ? "" : String(v));

/** Buttons of templates 10 and 11: quickReply → choice, link → link line. */
function button(b: Json, choices: Choice[], links: string[]): void {
  const name = str(b.name ?? b.title);
  const action = (b.action ?? {}) as Json;
  const payload = (action.payload ?? {}) as Json;
  const type = str(b.type ?? action.type);
  if (type === "link") links.push(`${name}: ${str(action.url ?? payload.url ?? b.url)}`);
  else choices.push({ label: name, value: { message: str(action.message ?? payload.message ?? name) } satisfies ReplyValue });
}

/** The webhook answer (docs/platforms/kommunicate.md §4) → blocks. An empty array means the bot stays silent: a human has the chat. */
export function kommunicateBlocks(bubbles: readonly Json[]): Block[] {
  if (bubbles.length === 0) return [status("(no reply: a human has the conversation)")];
  const blocks: Block[] = [];
  for (const bubble of bubbles) {
    const text = str(bubble.message);
    const metadata = (bubble.metadata ?? {}) as Json;
    const payload = Array.isArray(metadata.payload) ? (metadata.payload as Json[]) : [];
    const choices: Choice[] = [];
    const links: string[] = [];
    switch (str(metadata.templateId)) {
      case "": {
        if (text !== "") blocks.push({ kind: "text", text });
        break;
      }
      case "6":
        for (const p of payload) {
          const value: ReplyValue = { message: str(p.message ?? p.title), ...(p.replyMetadata ? { metadata: p.replyMetadata as Json } : {}) };
          choices.push({ label: str(p.title), value });
        }
        blocks.push({ kind: "text", text, choices });
        break;
      case "11":
        for (const p of payload) button(p, choices, links);
        blocks.push({ kind: "text", text, ...(choices.length ? { choices } : {}), ...(links.length ? { links } : {}) });
        break;
      case "3":
        for (const p of payload) links.push(`${str(p.name)}: ${str(p.url)}`);
        blocks.push({ kind: "text", text, links });
        break;
      case "9":
        for (const p of payload) blocks.push({ kind: "media", label: "picture", url: str(p.url), ...(p.caption ? { caption: str(p.caption) } : {}) });
        break;
      case "14":
        for (const p of payload) blocks.push({ kind: "media", label: "video", url: str(p.url), ...(p.caption ? { caption: str(p.caption) } : {}) });
        break;
      case "10": {
        const cards = payload.map((card): CardView => {
          const cardChoices: Choice[] = [];
          const cardLinks: string[] = [];
          for (const b of Array.isArray(card.buttons) ? (card.buttons as Json[]) : []) button(b, cardChoices, cardLinks);
          const header = (card.header ?? {}) as Json;
          return {
            title: str(card.title),
            ...(card.subtitle ? { description: str(card.subtitle) } : {}),
            ...(card.description ? { description: str(card.description) } : {}),
            ...(header.imgSrc ? { image: str(header.imgSrc) } : {}),
            ...(cardChoices.length ? { choices: cardChoices } : {}),
            ...(cardLinks.length ? { links: cardLinks } : {}),
          };
        });
        blocks.push({ kind: "cards", cards });
        break;
      }
      case "7": {
        // The list template's payload is an object: items as lines, quick replies as choices, links as links.
        const list = (metadata.payload ?? {}) as Json;
        const items = Array.isArray(list.elements) ? (list.elements as Json[]) : [];
        const lines = items.map((e) => `• ${str(e.title)}${e.description ? `: ${str(e.description)}` : ""}`);
        const asButton = (name: string, action: Json) => button({ name, action: action.type === "quick_reply" ? { type: "quickReply", message: action.text } : action }, choices, links);
        for (const e of items) if (e.action) asButton(str(e.title), e.action as Json);
        for (const b of Array.isArray(list.buttons) ? (list.buttons as Json[]) : []) asButton(str(b.name), (b.action ?? {}) as Json);
        blocks.push({ kind: "text", text: [list.headerText ? str(list.headerText) : "", ...lines].filter(Boolean).join("\n"), ...(choices.length ? { choices } : {}), ...(links.length ? { links } : {}) });
        break;
      }
      default:
        blocks.push({ kind: "text", text, links: [`template ${str(metadata.templateId)}: ${JSON.stringify(payload)}`] });
    }
    if ("KM_ASSIGN_TO" in metadata) {
      const agent = str(metadata.KM_ASSIGN_TO);
      blocks.push(status(`handed over to a human agent${agent ? ` (${agent})` : ""}`));
    }
  }
  return blocks;
}
