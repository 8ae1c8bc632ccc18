/**
 * The studio: one local web page (scripts/studio/public) and its JSON API, served by `npm start` on loopback only,
 * never deployed. It talks to the stack as the platforms do (scripts/chat's adapters), reads the stack's tables
 * through the tools' store, acts on sessions through the shared session actions and plays LivePerson's agent.
 */
import { readFileSync } from "node:fs";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import * as z from "zod";
import { logger } from "../../lib/log";
import { StackUnreachable } from "../chat/http";
import { ADAPTERS } from "../chat/index";
import { openOutboundHub, type OutboundHub } from "../chat/twoway-outbound";
import type { ChatTarget } from "../chat/types";
import { describeTarget, ReadStore, ToolError, type StoreTarget } from "../sessions/store";
import type { AgentDesk } from "./agent-desk";
import { StudioChats } from "./conversations";
import { renderEverywhere, STUDIO_BM_CHANNELS } from "./everywhere";
import { jsonBody, sendJson, StudioError } from "./http-kit";
import { conversationKey, listSessions, sessionDetail } from "./inspect";
import { ActionError, SessionActions } from "./session-actions";

/** The running stack the studio chats with (npm start); without one, only sessions and dead letters are served. */
export interface StudioStack {
  /** The stack's HTTP base (loopback, no name lookup). */
  stackUrl: string;
  /** The webhook settings the stack checks (its stack file's `secrets`). */
  secrets: Record<string, string>;
  /** Where the stack POSTs TwoWay replies (the studio listens there). */
  twowayOutboundUrl: string;
  /** The longest wait for a TwoWay reply. */
  waitMs?: number;
}

export interface StudioOptions {
  host: string;
  /** 0: any free port. */
  port: number;
  stack?: StudioStack;
  store: StoreTarget;
  /** Session actions on a deployed stage's tables (source "AWS") only when asked; the local stack's always. */
  allowWrites?: boolean;
  jobsQueueUrl?: string;
  desk?: AgentDesk;
}

export interface Studio {
  url: string;
  close(): Promise<void>;
}

const PUBLIC = join(__dirname, "public");
const ASSETS: Readonly<Record<string, { file: string; type: string }>> = {
  "/studio": { file: "index.html", type: "text/html; charset=utf-8" },
  "/studio/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/studio/studio.js": { file: "studio.js", type: "text/javascript; charset=utf-8" },
  "/studio/studio.css": { file: "studio.css", type: "text/css; charset=utf-8" },
};
/** Nothing but this origin: the page loads no asset and calls no service off the machine. */
const CSP = "default-src 'self'; img-src 'self' data:; style-src 'self'; script-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'";
const LOOPBACK_HOSTS = /^(localhost|127\.0\.0\.1|\[::1\])(:\d+)?$/;

const Upload = z.discriminatedUnion("type", [
  z.object({ type: z.enum(["picture", "file"]), url: z.url({ protocol: /^https?$/ }), name: z.optional(z.string().check(z.maxLength(200))), mimeType: z.optional(z.string().check(z.maxLength(100))) }),
  z.object({ type: z.literal("location"), latitude: z.number().check(z.gte(-90), z.lte(90)), longitude: z.number().check(z.gte(-180), z.lte(180)), label: z.optional(z.string().check(z.maxLength(200))) }),
]);
const Input = z.discriminatedUnion("kind", [
  z.object({ kind: z.literal("text"), text: z.string().check(z.minLength(1), z.maxLength(4000)) }),
  z.object({ kind: z.literal("choice"), index: z.int().check(z.gte(1)), choice: z.object({ label: z.string(), detail: z.optional(z.string()), value: z.unknown() }) }),
  z.object({ kind: z.literal("upload"), upload: Upload }),
]);
const NewConversation = z.object({
  platform: z.string(),
  channel: z.optional(z.string()),
  name: z.optional(z.string().check(z.maxLength(80))),
  locale: z.optional(z.string().check(z.regex(/^[A-Za-z]{2,3}([-_][A-Za-z0-9]{2,8})*$/, "a language tag such as en or de-CH"))),
  conversationId: z.optional(z.string()),
});
const AgentText = z.object({ text: z.string().check(z.minLength(1), z.maxLength(4000)) });
const AgentFile = z.object({ caption: z.string().check(z.minLength(1), z.maxLength(200)) });

export async function startStudio(options: StudioOptions): Promise<Studio> {
  const store = new ReadStore(options.store);
  let hub: Promise<OutboundHub> | undefined;
  const chatsOf = (stack: StudioStack): StudioChats => {
    const outbound = new URL(stack.twowayOutboundUrl);
    const target: ChatTarget = {
      baseUrl: stack.stackUrl,
      settings: (name) => stack.secrets[name] ?? "",
      store,
      outbound: { url: stack.twowayOutboundUrl, host: outbound.hostname.replace(/^\[|\]$/g, ""), port: Number(outbound.port || 80), path: outbound.pathname },
      // A TwoWay reply is a job (local SQS, then the worker): on a busy machine its first run takes seconds.
      waitMs: stack.waitMs ?? 20_000,
    };
    // Opened with the first TwoWay conversation: a terminal `npm run chat -- twoway` may hold the port until then.
    const twowayHub = () =>
      (hub ??= openOutboundHub(target).catch((err: Error) => {
        hub = undefined;
        throw new StudioError(409, err.message);
      }));
    return new StudioChats(target, twowayHub);
  };
  const chatsOrNone = options.stack ? chatsOf(options.stack) : undefined;
  const chats = (): StudioChats => {
    if (!chatsOrNone) throw new StudioError(409, "no local stack to chat with: the chat needs `npm start` (this studio only reads the tables)");
    return chatsOrNone;
  };
  const actions = new SessionActions(store, { allowWrites: options.allowWrites ?? true, ...(options.jobsQueueUrl ? { jobsQueueUrl: options.jobsQueueUrl } : {}) });
  const writable = options.store.source !== "AWS" || (options.allowWrites ?? true);
  const desk = options.desk;

  const api = async (req: IncomingMessage, path: string[], query: URLSearchParams): Promise<unknown> => {
    const method = req.method ?? "GET";
    const [resource, id, sub, arg] = path;
    const route = `${method} ${resource ?? ""}${id !== undefined ? "/:id" : ""}${sub !== undefined ? `/${sub}` : ""}${arg !== undefined ? "/:arg" : ""}`;
    switch (route) {
      case "GET info":
        return {
          platforms: Object.keys(ADAPTERS).map((platform) => ({ platform, ...(platform === "bm" ? { channels: STUDIO_BM_CHANNELS } : {}) })),
          store: `${options.store.tables.sessions} at ${describeTarget(options.store)}`,
          chat: Boolean(chatsOrNone),
          desk: Boolean(desk),
          writable,
        };
      case "GET conversations":
        return chats().list();
      case "POST conversations":
        return chats().open(await jsonBody(req, NewConversation));
      case "GET conversations/:id":
        // The handover as stored now: an agent's close or an idle timeout ends it outside any turn of ours.
        await chats().refresh(id!);
        return chats().view(id!, Number(query.get("since") ?? 0) || 0);
      case "POST conversations/:id/messages":
        return { entries: await chats().send(id!, (await jsonBody(req, z.object({ input: Input }))).input) };
      case "GET conversations/:id/everywhere/:arg":
        return { renderings: renderEverywhere(chats().neutral(id!, Number(arg))) };
      case "GET sessions":
        return listSessions(store, query.get("platform") || undefined);
      case "GET sessions/:id":
        return sessionDetail(store, id!);
      case "POST sessions/:id/handback":
        return handBack(conversationKey(id!));
      case "POST sessions/:id/reset": {
        const pk = conversationKey(id!);
        await actions.reset(pk);
        await chatsOrNone?.refresh(pk.slice("conv#".length));
        return { reset: pk };
      }
      case "GET dead-letters":
        return actions.deadLetters();
      case "POST dead-letters/:id/redrive":
        return { redriven: await actions.redrive(id!) };
      case "GET desk":
        return requireDesk().list();
      case "POST desk/:id/accept":
        await requireDesk().accept(id!);
        return requireDesk().list();
      case "POST desk/:id/write":
        await requireDesk().write(id!, (await jsonBody(req, AgentText)).text);
        return requireDesk().list();
      case "POST desk/:id/file":
        await requireDesk().shareFile(id!, (await jsonBody(req, AgentFile)).caption);
        return requireDesk().list();
      case "POST desk/:id/close":
        await requireDesk().close(id!);
        return requireDesk().list();
      default:
        throw new StudioError(404, `no studio API ${method} /studio/api/${path.join("/")}`);
    }
  };

  const requireDesk = (): AgentDesk => {
    if (!desk) throw new StudioError(409, "no LivePerson stand-in: this stack uses the LivePerson of LP_ACCOUNT_ID");
    return desk;
  };

  /**
   * A conversation held by the LivePerson stand-in's agent is handed back the way LivePerson does it (the agent
   * closes, the bridge releases the session); any other through the shared session action.
   */
  const handBack = async (pk: string): Promise<unknown> => {
    const session = await actions.session(pk);
    const lpConversation = session.human?.conversationId;
    if (session.handover.status === "human" && lpConversation && desk?.has(lpConversation)) {
      await desk.close(lpConversation);
      await until(async () => (await actions.session(pk)).handover.status === "bot", 10_000, `${pk} still held after the agent closed`);
    } else await actions.handBack(pk);
    await chatsOrNone?.refresh(pk.slice("conv#".length));
    return { handedBack: pk };
  };

  const server: Server = createServer((req, res) => void handle(req, res));
  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const url = new URL(req.url ?? "/", "http://studio");
    try {
      // A page of another site must not drive the studio through the user's browser (DNS rebinding, form posts).
      if (!LOOPBACK_HOSTS.test(req.headers.host ?? "")) throw new StudioError(403, "the studio answers on localhost only");
      const asset = ASSETS[url.pathname];
      if (asset && req.method === "GET") {
        res.writeHead(200, { "content-type": asset.type, "content-security-policy": CSP, "cache-control": "no-store", "x-content-type-options": "nosniff" });
        return void res.end(readFileSync(join(PUBLIC, asset.file)));
      }
      if (!url.pathname.startsWith("/studio/api/")) throw new StudioError(404, `nothing at ${url.pathname}: the studio is at /studio`);
      if (req.method !== "GET" && !/^application\/json\b/.test(req.headers["content-type"] ?? "")) throw new StudioError(415, "send JSON (content-type: application/json)");
      const path = url.pathname.slice("/studio/api/".length).split("/").filter(Boolean).map(decodeURIComponent);
      sendJson(res, 200, await api(req, path, url.searchParams));
    } catch (err) {
      const status = err instanceof StudioError || err instanceof ActionError ? err.status : err instanceof ToolError ? 503 : err instanceof StackUnreachable ? 502 : 500;
      if (status >= 500) logger.error("studio request failed", { method: req.method, path: url.pathname, status, error: String((err as Error)?.message ?? err) });
      const issues = err instanceof StudioError && err.issues ? { issues: err.issues } : {};
      sendJson(res, status, { error: status === 500 ? "the studio failed on this request (see npm start's log)" : (err as Error).message, ...issues });
    }
  };

  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(options.port, options.host, () => resolve());
  });
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://localhost:${port}/studio`,
    async close() {
      await chatsOrNone?.close();
      if (hub) await (await hub.catch(() => undefined))?.close();
      server.closeAllConnections();
      await new Promise((resolve) => server.close(resolve));
      store.close();
    },
  };
}

/** Waits for a condition on the store (an asynchronous job's effect), checked every 100 ms up to `ms`. */
async function until(check: () => Promise<boolean>, ms: number, failure: string): Promise<void> {
  const deadline = Date.now() + ms;
  while (!(await check())) {
    if (Date.now() > deadline) throw new StudioError(504, failure);
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
