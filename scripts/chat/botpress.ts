/**
 * Botpress v12, as Business Messenger's "Botpress" integration type calls it (docs/platforms/botpress.md): the
 * chat logs in once at POST /api/v1/auth/login/basic/default with the stack's BOTPRESS_EMAIL and
 * BOTPRESS_PASSWORD, then each line is a POST /api/v1/bots/{BOTPRESS_BOT_ID}/converse/{conversation}/secured
 * with `Authorization: Bearer <jwt>`; a 401 (an expired token) logs in again once and repeats the call, as v12's
 * own clients do. The answer `{"responses":[…]}` is shown element by element. A picked single-choice is sent as
 * v12's webchat sends the tap (`quick_reply` with the choice's value as payload), a card's Postback button as a
 * `postback`. `/image <url> [title]`, `/video`, `/audio`, `/file` and `/location <lat> <lon> [title]` send those
 * inbound types instead of text.
 */
import { exchange, handoverChange, httpError, peekSession, type HttpAnswer } from "./http";
import { status, type Adapter, type Block, type CardView, type ChatTarget, type Choice, type Upload, type UserInput } from "./types";

type Json = Record<string, unknown>;

const BOTPRESS_LOGIN_PATH = "/api/v1/auth/login/basic/default";
const botpressConversePath = (botId: string, userId: string) => `/api/v1/bots/${encodeURIComponent(botId)}/converse/${encodeURIComponent(userId)}/secured`;

export const BOTPRESS_HELP = "Botpress: /image <url> [title], /video, /audio, /file and /location <lat> <lon> [title] send those types.";

/** One typed line → a converse body (text, unless it is one of the media or location commands). */
export function botpressBody(line: string): Json {
  const command = /^\/(image|video|audio|file|location)\s+(.*)$/.exec(line.trim());
  if (!command) return { type: "text", text: line };
  const [, name, rest] = command as unknown as [string, string, string];
  const words = rest.trim().split(/\s+/);
  if (name === "location") {
    const [latitude, longitude, ...title] = words;
    const lat = Number(latitude);
    const lon = Number(longitude);
    if (!Number.isFinite(lat) || !Number.isFinite(lon)) return { type: "text", text: line };
    return { type: "location", latitude: lat, longitude: lon, ...(title.length ? { title: title.join(" ") } : {}) };
  }
  const kind = name as "image" | "video" | "audio" | "file";
  const [url, ...title] = words;
  return { type: kind, [kind]: url, ...(title.length && kind !== "audio" ? { title: title.join(" ") } : {}) };
}

/** An upload as v12's webchat sends it: an image or file content element, or a location. */
function botpressUploadBody(upload: Upload): Json {
  if (upload.type === "location") return { type: "location", latitude: upload.latitude, longitude: upload.longitude, ...(upload.label ? { title: upload.label } : {}) };
  const kind = upload.type === "picture" ? "image" : "file";
  return { type: kind, [kind]: upload.url, ...(upload.name ? { title: upload.name } : {}) };
}

export function botpressAdapter(target: ChatTarget): Adapter {
  let conversationId = "";
  let token: string | undefined;
  let handover: "bot" | "human" | undefined;
  const botId = target.settings("BOTPRESS_BOT_ID");

  /** The JWT, or the failed login's answer. */
  const login = async (): Promise<string | HttpAnswer> => {
    const answer = await exchange(target, BOTPRESS_LOGIN_PATH, {
      method: "POST",
      headers: { "content-type": "application/json" },
      body: JSON.stringify({ email: target.settings("BOTPRESS_EMAIL"), password: target.settings("BOTPRESS_PASSWORD") }),
    });
    const jwt = (answer.json as { payload?: { jwt?: unknown } } | undefined)?.payload?.jwt;
    return answer.status === 200 && typeof jwt === "string" ? jwt : answer;
  };

  const converse = (body: Json, jwt: string) =>
    exchange(target, botpressConversePath(botId, conversationId), {
      method: "POST",
      headers: { "content-type": "application/json", authorization: `Bearer ${jwt}` },
      body: JSON.stringify(body),
    });

  /** The converse answer; logs in first when there is no token, and again (once) after a 401. */
  const post = async (body: Json): Promise<HttpAnswer | Block[]> => {
    let relogged = false;
    if (!token) {
      const got = await login();
      if (typeof got !== "string") return [status("Botpress login refused"), httpError(got)];
      token = got;
      relogged = true;
    }
    let answer = await converse(body, token);
    if (answer.status === 401 && !relogged) {
      token = undefined;
      const got = await login();
      if (typeof got !== "string") return [httpError(answer), status("logging in again was refused"), httpError(got)];
      token = got;
      answer = await converse(body, token);
    }
    return answer;
  };

  return {
    title: "Botpress (v12 Converse API)",
    platform: "botpress",
    help: BOTPRESS_HELP,
    uploads: ["picture", "file", "location"],
    async start(id) {
      conversationId = id;
      handover = undefined;
      return [];
    },
    async send(input: UserInput) {
      const body = input.kind === "choice" ? (input.choice.value as Json) : input.kind === "upload" ? botpressUploadBody(input.upload) : botpressBody(input.text);
      const answer = await post(body);
      if (Array.isArray(answer)) return answer;
      if (answer.status !== 200) return [httpError(answer)];
      const responses = (answer.json as { responses?: unknown } | undefined)?.responses;
      if (!Array.isArray(responses)) return [status(`unexpected answer: ${answer.text.slice(0, 300)}`)];
      const blocks = botpressBlocks(responses as Json[]);
      const change = handoverChange(handover, await peekSession(target.store, "botpress", conversationId));
      handover = change.now;
      if (blocks.length === 0) blocks.push(status(handover === "human" ? "(no reply: a human has the conversation)" : "(no reply)"));
      return [...blocks, ...change.blocks];
    },
  };
}

const str = (v: unknown) => (typeof v === "string" ? v : v === undefined || v === null ? "" : String(v));

/** A v12 card: Postback actions are choices (sent back as a `postback`), Open URL actions link lines. */
function cardView(card: Json): CardView {
  const choices: Choice[] = [];
  const links: string[] = [];
  for (const a of Array.isArray(card.actions) ? (card.actions as Json[]) : []) {
    const title = str(a.title);
    if (a.action === "Postback") choices.push({ label: title, value: { type: "postback", payload: str(a.payload), text: title } });
    else if (a.action === "Open URL") links.push(`${title}: ${str(a.url)}`);
    else links.push(`${title}: ${JSON.stringify(a)}`);
  }
  return {
    title: str(card.title),
    ...(typeof card.subtitle === "string" ? { description: card.subtitle } : {}),
    ...(typeof card.image === "string" ? { image: card.image } : {}),
    ...(choices.length ? { choices } : {}),
    ...(links.length ? { links } : {}),
  };
}

const MEDIA_LABELS = { image: "picture", video: "video", audio: "audio", file: "file" } as const;

/** v12 content elements (docs/platforms/botpress.md §6) → blocks. */
export function botpressBlocks(responses: readonly Json[]): Block[] {
  const blocks: Block[] = [];
  for (const r of responses) {
    const type = str(r.type);
    if (type === "text") blocks.push({ kind: "text", text: str(r.text) });
    else if (type === "single-choice") {
      const choices = (Array.isArray(r.choices) ? (r.choices as Json[]) : []).map(
        (c): Choice => ({ label: str(c.title), value: { type: "quick_reply", payload: str(c.value), text: str(c.title) } }),
      );
      blocks.push({ kind: "text", text: str(r.text), ...(choices.length ? { choices } : {}) });
    } else if (type === "card") blocks.push({ kind: "cards", cards: [cardView(r)] });
    else if (type === "carousel") blocks.push({ kind: "cards", cards: (Array.isArray(r.items) ? (r.items as Json[]) : []).map(cardView) });
    else if (type in MEDIA_LABELS && typeof r[type] === "string") {
      const label = MEDIA_LABELS[type as keyof typeof MEDIA_LABELS];
      blocks.push({ kind: "media", label, url: str(r[type]), ...(r.title ? { caption: str(r.title) } : {}) });
    } else if (type === "location" && typeof r.latitude === "number" && typeof r.longitude === "number") {
      const caption = [r.title, r.address].filter((v) => typeof v === "string" && v !== "").join("\n");
      blocks.push({ kind: "media", label: "location", url: `${r.latitude},${r.longitude}`, ...(caption ? { caption } : {}) });
    } else blocks.push({ kind: "info", text: `[unknown content] ${JSON.stringify(r)}` });
  }
  return blocks;
}
