/**
 * Sinch Engage: Engage runs the conversation itself and calls /engage/{action} where its flow has an API step.
 * Each line is one such call: `[METHOD] action key=value key="a value" …` (POST with a JSON body by default;
 * GET/DELETE send the values as the query string), with `Authorization: Bearer $ENGAGE_API_TOKEN`. Numbers and
 * true/false keep their JSON types. Unless the line names a conversation key (sessionId, conversationId,
 * userId), `sessionId=<conversation>` is added, so the call is part of this conversation's session.
 * The answer's session, messages and nextDialogstate are shown; a suggestion's dialog-state id is shown next to
 * it, and picking one only says where Engage would jump (Engage follows it without calling us).
 */
import { exchange, httpError } from "./http";
import { status, type Adapter, type Block, type CardView, type ChatTarget, type Choice, type UserInput } from "./types";

type Json = Record<string, unknown>;
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"];
const CONVERSATION_KEYS = ["sessionId", "conversationId", "userId"];

export const ENGAGE_HELP =
  'Engage: type `action key=value …`, e.g. `transfer amount=500 destination="Elon Musk" accountType=savings_account transactionSuccess=ok transactionNoMoney=no`; ' +
  "start with GET, PUT, PATCH or DELETE for another method (`GET balance accountType=savings`).";

export class EngageLineError extends Error {}

/** Splits at blanks, keeping "double" or 'single' quoted values together. */
export function tokens(line: string): string[] {
  const out: string[] = [];
  const re = /(?:[^\s"']+|"[^"]*"|'[^']*')+/g;
  for (const m of line.matchAll(re)) out.push(m[0].replace(/"([^"]*)"|'([^']*)'/g, (_all, d: string | undefined, s: string | undefined) => d ?? s ?? ""));
  return out;
}

function typed(value: string): unknown {
  if (/^-?\d+(\.\d+)?$/.test(value) && value.length < 16) return Number(value);
  if (value === "true" || value === "false") return value === "true";
  return value;
}

export function parseEngageLine(line: string): { method: string; action: string; params: Record<string, unknown> } {
  const parts = tokens(line.trim());
  const method = METHODS.includes(parts[0]?.toUpperCase() ?? "") && parts.length > 1 ? parts.shift()!.toUpperCase() : "POST";
  const action = parts.shift();
  if (!action || action.includes("=")) throw new EngageLineError(`start the line with the action's name: ${ENGAGE_HELP}`);
  const params: Record<string, unknown> = {};
  for (const part of parts) {
    const eq = part.indexOf("=");
    if (eq <= 0) throw new EngageLineError(`"${part}" is not key=value`);
    params[part.slice(0, eq)] = typed(part.slice(eq + 1));
  }
  return { method, action, params };
}

export function engageAdapter(target: ChatTarget): Adapter {
  let conversationId = "";
  return {
    title: "Sinch Engage (API step)",
    platform: "engage",
    help: ENGAGE_HELP,
    async start(id) {
      conversationId = id;
      return [];
    },
    async send(input: UserInput) {
      if (input.kind === "upload") return [status("Engage calls the bot's API steps only: uploads stay in Engage's own flow")];
      if (input.kind === "choice") {
        const payload = input.choice.value as Json;
        return [status(`Engage follows this choice itself: it jumps to dialog state ${describePostback(payload)}`)];
      }
      let parsed;
      try {
        parsed = parseEngageLine(input.text);
      } catch (err) {
        if (err instanceof EngageLineError) return [status(err.message)];
        throw err;
      }
      const { method, action, params } = parsed;
      if (!CONVERSATION_KEYS.some((k) => k in params)) params.sessionId = conversationId;
      const withBody = method !== "GET" && method !== "DELETE";
      const query = withBody ? "" : `?${new URLSearchParams(Object.entries(params).map(([k, v]) => [k, String(v)])).toString()}`;
      const answer = await exchange(target, `/engage/${encodeURIComponent(action)}${query}`, {
        method,
        headers: { "content-type": "application/json", authorization: `Bearer ${target.settings("ENGAGE_API_TOKEN")}` },
        ...(withBody ? { body: JSON.stringify(params) } : {}),
      });
      if (answer.status !== 200) return [httpError(answer)];
      return engageBlocks((answer.json ?? {}) as Json);
    },
  };
}

function describePostback(payload: Json): string {
  const params = Array.isArray(payload.params) ? (payload.params as Json[]).map((p) => `${p.key}=${p.value}`).join(" ") : "";
  return `${payload.nextDialogstateId}${params ? ` ${params}` : ""}`;
}

function buttons(list: unknown, choices: Choice[], links: string[]): void {
  for (const b of Array.isArray(list) ? (list as Json[]) : []) {
    const title = String(b.title ?? "");
    if (b.type === "postback") {
      const payload = (b.payload ?? {}) as Json;
      choices.push({ label: title, detail: `→ ${describePostback(payload)}`, value: payload });
    } else if (b.type === "web_url") links.push(`${title}: ${b.url}`);
    else if (b.type === "phone_number") links.push(`${title}: call ${b.payload}`);
    else links.push(`${title}: ${JSON.stringify(b)}`);
  }
}

const MEDIA_LABEL: Record<string, string> = { image: "picture", video: "video", audio: "audio", attachment: "file" };

/** The API step's answer → blocks: session, messages, then the next dialog state (Engage's order). */
export function engageBlocks(answer: Json): Block[] {
  const blocks: Block[] = [];
  const session = answer.session as Json | undefined;
  if (session) blocks.push({ kind: "info", text: `session ${session.namespace}: ${JSON.stringify(session.data)}` });
  for (const m of Array.isArray(answer.messages) ? (answer.messages as Json[]) : []) {
    const config = (m.config ?? {}) as Json;
    const text = (Array.isArray(config.textMessages) ? (config.textMessages as Json[]) : []).map((t) => String(t.text ?? "")).join("\n");
    const choices: Choice[] = [];
    const links: string[] = [];
    switch (m.type) {
      case "text":
        blocks.push({ kind: "text", text });
        break;
      case "quickReplies":
        buttons(config.quickReplies, choices, links);
        blocks.push({ kind: "text", text, choices });
        break;
      case "buttons":
        buttons(config.buttons, choices, links);
        blocks.push({ kind: "text", text, ...(choices.length ? { choices } : {}), ...(links.length ? { links } : {}) });
        break;
      case "carousel": {
        const cards = (Array.isArray(config.elements) ? (config.elements as Json[]) : []).map((e): CardView => {
          const cardChoices: Choice[] = [];
          const cardLinks: string[] = e.webUrl ? [`open: ${e.webUrl}`] : [];
          buttons(e.buttons, cardChoices, cardLinks);
          return {
            title: String(e.title ?? ""),
            ...(e.subTitle ? { description: String(e.subTitle) } : {}),
            ...(e.imageUrl ? { image: String(e.imageUrl) } : {}),
            ...(cardChoices.length ? { choices: cardChoices } : {}),
            ...(cardLinks.length ? { links: cardLinks } : {}),
          };
        });
        blocks.push({ kind: "cards", cards });
        break;
      }
      case "media": {
        const media = (config.media ?? {}) as Json;
        blocks.push({ kind: "media", label: MEDIA_LABEL[String(media.type)] ?? String(media.type), url: String(media.url) });
        break;
      }
      default:
        blocks.push({ kind: "info", text: `[${String(m.type)}] ${JSON.stringify(config)}` });
    }
  }
  const next = (answer.action as Json | undefined)?.nextDialogstate;
  if (next !== undefined) blocks.push({ kind: "info", text: `next dialog state: ${next}` });
  if (blocks.length === 0) blocks.push(status("(empty answer: Engage goes on with its flow)"));
  return blocks;
}
