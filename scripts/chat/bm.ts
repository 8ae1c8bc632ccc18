/**
 * Business Messenger: each line is a signed POST /bm/webhook (X-BM-Signature over the raw body, as BM sends it),
 * and the synchronous answer `{messages: [{body}]}` is shown. A picked reply suggestion is sent as BM sends a
 * tap: `{content: caption, postback}`. The channel (default RCS, which shows every body kind) sets what the
 * bot's renderer may use; on SMS the suggestions come back as numbered text and "2" is sent as typed.
 */
import type { BmWebhookRequestInput } from "../../lib/platforms/business-messenger/schema";
import { signBmBody, type BmSignatureEncoding } from "../../lib/platforms/business-messenger/verify";
import { exchange, handoverChange, httpError, peekSession } from "./http";
import { DEFAULT_USER, runNonce, status, uuidFrom, type Adapter, type Block, type CardView, type ChatTarget, type ChatUser, type Choice, type Upload, type UserInput } from "./types";

type Body = Record<string, unknown>;

/** The request shape of test/platforms/business-messenger/fixtures.ts (bmRequest), for one conversation. */
export function bmRequest(body: Body, conversationId: string, messageId: string, channel: string, user: ChatUser = DEFAULT_USER): BmWebhookRequestInput {
  return {
    serviceUuid: "5b0e7c3a-1d2e-4f5a-9b6c-7d8e9f0a1b2c",
    dialogUuid: conversationId,
    channel,
    message: {
      from: "41791234567",
      to: [{ number: "41790000000", alias: "ACME" }],
      allowedChannels: [channel.toLowerCase(), "sms"],
      custom: [],
      providerMsgID: messageId,
      body,
    },
    contact: { uuid: uuidFrom(conversationId, "bm-contact"), first_name: user.name, mobile: "41791234567", language: user.locale, email: null },
  };
}

/** An upload as BM sends it: a media body (its kind from the MIME type), or a location body. */
function bmUploadBody(upload: Upload): Body {
  if (upload.type === "location") return { latitude: upload.latitude, longitude: upload.longitude, ...(upload.label ? { text: upload.label } : {}) };
  const mimeType = upload.mimeType ?? (upload.type === "picture" ? "image/jpeg" : "application/pdf");
  return { url: upload.url, mimeType, ...(upload.name ? { name: upload.name } : {}) };
}

export function bmAdapter(target: ChatTarget, channel = "RCS", user: ChatUser = DEFAULT_USER): Adapter {
  const nonce = runNonce();
  let conversationId = "";
  let turn = 0;
  let lastId: string | undefined;
  let handover: "bot" | "human" | undefined;
  const key = target.settings("BM_SIGNATURE_KEY");
  const encoding = (target.settings("BM_SIGNATURE_ENCODING") || "base64") as BmSignatureEncoding;

  return {
    title: `Business Messenger (${channel})`,
    platform: "bm",
    uploads: ["picture", "file", "location"],
    lastMessageId: () => lastId,
    async start(id) {
      conversationId = id;
      handover = undefined;
      return [];
    },
    async send(input: UserInput) {
      const body: Body =
        input.kind === "choice"
          ? { content: (input.choice.value as SuggestionValue).text, postback: (input.choice.value as SuggestionValue).postback }
          : input.kind === "upload"
            ? bmUploadBody(input.upload)
            : { content: input.text };
      lastId = `${conversationId}-${nonce}-${++turn}`;
      const raw = JSON.stringify(bmRequest(body, conversationId, lastId, channel, user));
      const answer = await exchange(target, "/bm/webhook", {
        method: "POST",
        headers: { "content-type": "application/json", "x-bm-signature": signBmBody(raw, key, encoding) },
        body: raw,
      });
      if (answer.status !== 200) return [httpError(answer)];
      const messages = (answer.json as { messages?: Array<{ body?: Body }> } | undefined)?.messages ?? [];
      const blocks = bmBlocks(messages.map((m) => m.body ?? {}));
      const change = handoverChange(handover, await peekSession(target.store, "bm", conversationId));
      handover = change.now;
      if (blocks.length === 0) blocks.push(status(handover === "human" ? "(no reply: a human has the conversation)" : "(no reply)"));
      return [...blocks, ...change.blocks];
    },
  };
}

interface SuggestionValue {
  text: string;
  postback: string;
}

/** BM suggestion objects → choices (replyWith) and link lines (every other action). */
function suggestions(list: unknown): { choices: Choice[]; links: string[] } {
  const choices: Choice[] = [];
  const links: string[] = [];
  for (const s of Array.isArray(list) ? (list as Body[]) : []) {
    const text = String(s.text ?? "");
    const action = (name: string) => s[name] as Body | undefined;
    if (action("replyWith")) {
      const value: SuggestionValue = { text, postback: String((action("replyWith")!.postback as string | undefined) ?? s.postback ?? text) };
      choices.push({ label: text, value });
    } else if (action("openUrl")) links.push(`${text}: ${action("openUrl")!.url}`);
    else if (action("dialNumber")) links.push(`${text}: call ${action("dialNumber")!.number}`);
    else if (action("showMapLocation")) {
      const m = action("showMapLocation")!;
      links.push(`${text}: ${m.url ?? `map ${m.latitude},${m.longitude}`}`);
    } else if (action("composeMessage")) {
      const m = action("composeMessage")!;
      links.push(`${text}: write to ${m.number}: "${m.test ?? m.text ?? ""}"`);
    } else if (action("createCalendarEvent")) {
      const m = action("createCalendarEvent")!;
      links.push(`${text}: calendar "${m.title}" ${m.start} – ${m.end}`);
    } else links.push(`${text}: ${JSON.stringify(s)}`);
  }
  return { choices, links };
}

function mediaLabel(body: Body): string {
  const mime = String(body.mimeType ?? "");
  if (mime.startsWith("image/")) return "picture";
  if (mime.startsWith("video/") || (body.playingLength !== undefined && !mime.startsWith("audio/") && mime !== "")) return "video";
  if (mime.startsWith("audio/") || body.playingLength !== undefined) return "audio";
  return "file";
}

/** BM reply bodies (docs/platforms/business-messenger.md §4) → blocks; a body of suggestions only belongs to the text before it. */
export function bmBlocks(bodies: readonly Body[]): Block[] {
  const blocks: Block[] = [];
  for (const body of bodies) {
    if (typeof body.content === "string") {
      blocks.push({ kind: "text", text: body.content });
    } else if (Array.isArray(body.suggestions) && body.content === undefined) {
      const { choices, links } = suggestions(body.suggestions);
      const last = blocks[blocks.length - 1];
      if (last?.kind === "text" && !last.choices && !last.links) Object.assign(last, choices.length ? { choices } : {}, links.length ? { links } : {});
      else blocks.push({ kind: "text", text: "", choices, links });
    } else if (Array.isArray(body.content)) {
      const cards = (body.content as Body[]).map((item): CardView => {
        const { choices, links } = suggestions(item.suggestions);
        const media = item.media as Body | undefined;
        return {
          title: String(item.title ?? ""),
          ...(typeof item.description === "string" ? { description: item.description } : {}),
          ...(typeof media?.url === "string" ? { image: media.url } : {}),
          ...(choices.length ? { choices } : {}),
          ...(links.length ? { links } : {}),
        };
      });
      blocks.push({ kind: "cards", cards });
    } else if (Array.isArray(body.files)) {
      if (typeof body.text === "string") blocks.push({ kind: "text", text: body.text });
      for (const f of body.files as Body[]) blocks.push({ kind: "media", label: "file", url: String(f.url), ...(f.name ? { caption: String(f.name) } : {}) });
    } else if (typeof body.latitude === "number" && typeof body.longitude === "number") {
      blocks.push({ kind: "media", label: "location", url: String(body.url ?? `${body.latitude},${body.longitude}`), ...(body.text ? { caption: String(body.text) } : {}) });
    } else if (typeof body.url === "string") {
      blocks.push({ kind: "media", label: mediaLabel(body), url: body.url });
    } else if (typeof body.name === "string" && (body.phone || body.email || body.address)) {
      blocks.push({ kind: "text", text: ["[contact] " + body.name, body.phone, body.email, body.address].filter(Boolean).join("\n") });
    } else {
      blocks.push({ kind: "info", text: `[unknown body] ${JSON.stringify(body)}` });
    }
  }
  return blocks;
}
