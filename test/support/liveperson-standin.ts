import { createHmac, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { conversationNotification, type Dialog } from "../platforms/liveperson/fixtures";

/**
 * A local stand-in for LivePerson's cloud: one loopback server plays CSDS, sentinel, idp and
 * asyncMessagingEnt. CSDS points every service at this server, so `url` is the `LP_CSDS_URL` to use.
 * It validates like LP (credentials, raw tokens, 401 error codes), keeps conversations and records calls.
 * A conversation has dialogs: the MAIN one (its id is the conversation's) and, after an agent closes with a
 * post-conversation survey, a POST_SURVEY dialog that stays open (state CLOSE, stage OPEN) until the survey ends.
 */
export type LivePersonService = "csds" | "sentinel" | "idp" | "conversation" | "send";

export interface LivePersonCall {
  service: LivePersonService;
  method: string;
  path: string;
  headers: IncomingMessage["headers"];
  body: string;
}

export interface StandInMessage {
  sequence: number;
  /** The dialog the SEND addressed: the conversation id for the MAIN dialog, else a survey's own id. */
  dialogId: string;
  event: Record<string, unknown>;
}

export interface StandInConversation {
  conversationId: string;
  consumerJws: string;
  extConsumerId: string;
  request: Record<string, unknown>;
  profile: unknown;
  state: "OPEN" | "CLOSE";
  /** Over only when `state` and `stage` are both CLOSE. */
  stage: "OPEN" | "CLOSE";
  dialogs: Dialog[];
  chatState?: string;
  messages: StandInMessage[];
}

export interface LivePersonStandIn {
  /** The CSDS base (`LP_CSDS_URL`); every service host it hands out is this server too. */
  url: string;
  accountId: string;
  clientId: string;
  clientSecret: string;
  calls: LivePersonCall[];
  /** Conversations opened through CONVERSATION, oldest first. */
  readonly conversationsOpened: StandInConversation[];
  messages(conversationId: string): StandInMessage[];
  /**
   * The agent closes the conversation (its MAIN dialog). With `survey`, LP opens a POST_SURVEY dialog and the
   * conversation stays at stage OPEN; returns that dialog's id.
   */
  closeByAgent(conversationId: string, options?: { survey?: boolean }): string | undefined;
  /** The survey bot closes its dialog: the conversation is over (stage CLOSE). */
  endSurvey(conversationId: string): void;
  /** The cqm.ExConversationChangeNotification LP would send for the conversation as it is now. */
  conversationChange(conversationId: string, ts: number): ReturnType<typeof conversationNotification>;
  /** Invalidates every AppJWT issued so far: the next call with one gets 401 40102. */
  expireAppJwts(): void;
  /** The next `times` calls to `service` answer `status` (a 401 carries `errorCode`, default 40102). */
  failNext(service: LivePersonService, status: number, times?: number, errorCode?: number): void;
  close(): Promise<void>;
}

const SERVICES = new Set(["sentinel", "idp", "asyncMessagingEnt", "swift"]);
const CHAT_STATES = new Set(["ACTIVE", "INACTIVE", "GONE", "COMPOSING", "PAUSE"]);
const b64 = (value: unknown) => Buffer.from(JSON.stringify(value)).toString("base64url");
const isObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);
const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

export async function startLivePersonStandIn(options: { accountId?: string; clientId?: string; clientSecret?: string } = {}): Promise<LivePersonStandIn> {
  const accountId = options.accountId ?? "12345678";
  const clientId = options.clientId ?? "lp-client-id";
  const clientSecret = options.clientSecret ?? "lp-client-secret";
  const calls: LivePersonCall[] = [];
  const appJwts = new Map<string, number>(); // token → exp (epoch s)
  const consumers = new Map<string, string>(); // ConsumerJWS → ext_consumer_id
  const conversations = new Map<string, StandInConversation>();
  const failures = new Map<LivePersonService, { status: number; times: number; errorCode: number }>();
  let port = 0;

  const sign = (payload: Record<string, unknown>) => {
    const unsigned = `${b64({ alg: "HS256", typ: "JWT" })}.${b64(payload)}`;
    return `${unsigned}.${createHmac("sha256", "stand-in").update(unsigned).digest("base64url")}`;
  };
  const send = (res: ServerResponse, status: number, value?: unknown) =>
    res.writeHead(status, { "content-type": "application/json" }).end(value === undefined ? "" : JSON.stringify(value));
  const unauthorized = (res: ServerResponse, errorCode: number, message: string) => send(res, 401, { code: 401, body: { errorCode, message } });
  const answer = (reqId: unknown, code: string | number, body: unknown) => ({ kind: "resp", reqId, code, body });

  /** idp/conversation/send: a valid AppJWT in `Authorization`; messaging also a ConsumerJWS in `X-LP-ON-BEHALF`. */
  const authorize = (req: IncomingMessage, consumer: boolean): { errorCode: number; message: string } | { jws: string } => {
    const appJwt = req.headers.authorization;
    if (!appJwt) return { errorCode: 40105, message: "AppJWT missing" };
    const exp = appJwts.get(appJwt);
    if (exp === undefined || exp * 1000 <= Date.now()) return { errorCode: 40102, message: "AppJWT expired or invalid" };
    const jws = req.headers["x-lp-on-behalf"];
    if (!consumer) return { jws: "" };
    if (typeof jws !== "string" || jws === "") return { errorCode: 40104, message: "ConsumerJWS missing" };
    if (!consumers.has(jws)) return { errorCode: 40103, message: "ConsumerJWS invalid" };
    return { jws };
  };

  const openConversation = (jws: string, batch: unknown): unknown[] | undefined => {
    if (!Array.isArray(batch) || batch.length !== 2) return undefined;
    const [profileReq, convReq] = batch as unknown[];
    if (!isObject(profileReq) || profileReq.kind !== "req" || profileReq.type !== "userprofile.SetUserProfile" || !isObject(profileReq.body)) return undefined;
    if (!isObject(convReq) || convReq.kind !== "req" || convReq.type !== "cm.ConsumerRequestConversation" || !isObject(convReq.body)) return undefined;
    const sdes = isObject(profileReq.body.authenticatedData) ? profileReq.body.authenticatedData.lp_sdes : [];
    const sdesOk = Array.isArray(sdes) && sdes.every((sde) => isObject(sde) && (sde.type === "personal" || sde.type === "ctmrinfo"));
    const profileAnswer = sdesOk ? answer(profileReq.id, "OK", {}) : answer(profileReq.id, 400, { msg: "unsupported SDE" });
    const { brandId, channelType, ttrDefName, skillId } = convReq.body;
    const extConsumerId = consumers.get(jws)!;
    if (brandId !== accountId || channelType !== "MESSAGING" || !["NORMAL", "URGENT", "PRIORITIZED"].includes(String(ttrDefName)) || typeof skillId !== "string")
      return [profileAnswer, answer(convReq.id, 400, { msg: "bad ConsumerRequestConversation" })];
    if ([...conversations.values()].some((c) => c.extConsumerId === extConsumerId && c.state === "OPEN"))
      return [profileAnswer, answer(convReq.id, 400, { msg: "consumer already has an open conversation" })];
    const conversationId = randomUUID();
    const dialogs: Dialog[] = [{ dialogId: conversationId, dialogType: "MAIN", state: "OPEN" }];
    conversations.set(conversationId, { conversationId, consumerJws: jws, extConsumerId, request: convReq.body, profile: profileReq.body, state: "OPEN", stage: "OPEN", dialogs, messages: [] });
    return [profileAnswer, answer(convReq.id, "OK", { conversationId })];
  };

  /** One SEND request → its answer, or a number for an HTTP error status. */
  const handleSend = (jws: string, req: unknown): unknown => {
    if (!isObject(req) || req.kind !== "req" || typeof req.id !== "string" || !isObject(req.body)) return 400;
    const bad = (msg: string) => answer(req.id, 400, { msg });
    const { dialogId, conversationId } = req.body;
    // A PublishEvent names its dialog (a survey's, or the MAIN one, whose id is the conversation's); a conversation
    // field names the conversation. A conversationId given with a dialog must be that dialog's conversation.
    const conversation = req.type === "ms.PublishEvent" ? [...conversations.values()].find((c) => c.dialogs.some((d) => d.dialogId === dialogId)) : conversations.get(String(conversationId));
    if (!conversation) return bad("unknown conversation or dialog");
    if (conversation.extConsumerId !== consumers.get(jws)) return 401; // LP: 401 when consumer A touches B's conversation
    if (req.type === "ms.PublishEvent" && isObject(req.body.event)) {
      if (conversationId !== undefined && conversationId !== conversation.conversationId) return bad("dialog is not in this conversation");
      if (conversation.dialogs.find((d) => d.dialogId === dialogId)!.state !== "OPEN") return bad("dialog is closed");
      const event = req.body.event;
      if (event.type === "ContentEvent" && typeof event.message === "string" && typeof event.contentType === "string") {
        const sequence = conversation.messages.length;
        conversation.messages.push({ sequence, dialogId: String(dialogId), event });
        return answer(req.id, "OK", { sequence });
      }
      if (event.type === "ChatStateEvent" && CHAT_STATES.has(String(event.chatState))) {
        conversation.chatState = String(event.chatState);
        return answer(req.id, "OK", {});
      }
      if (event.type === "AcceptStatusEvent" && Array.isArray(event.sequenceList)) return answer(req.id, "OK", {});
      return bad("unsupported event");
    }
    const field = req.body.conversationField;
    if (req.type === "cm.UpdateConversationField" && isObject(field)) {
      if (conversation.state !== "OPEN") return bad("conversation is closed");
      if (field.field === "ConversationStateField" && field.conversationState === "CLOSE") closeMain(conversation, false);
      else if (field.field !== "CSATRate") return bad("unsupported conversation field");
      return answer(req.id, "OK", {});
    }
    return bad(`unsupported request type ${String(req.type)}`);
  };

  const closeMain = (conversation: StandInConversation, survey: boolean): string | undefined => {
    conversation.state = "CLOSE";
    conversation.dialogs = conversation.dialogs.map((d) => (d.dialogType === "MAIN" ? { ...d, state: "CLOSE" } : d));
    if (!survey) {
      conversation.stage = "CLOSE";
      return undefined;
    }
    const surveyId = randomUUID();
    conversation.dialogs.push({ dialogId: surveyId, dialogType: "POST_SURVEY", state: "OPEN" });
    return surveyId;
  };
  const known = (conversationId: string) => {
    const conversation = conversations.get(conversationId);
    if (!conversation) throw new Error(`stand-in: no conversation ${conversationId}`);
    return conversation;
  };

  const route = (method: string, path: string): LivePersonService | undefined => {
    const acc = `/api/account/${encodeURIComponent(accountId)}`;
    if (method === "GET" && new RegExp(`^${acc}/service/[^/]+/baseURI\\.json$`).test(path)) return "csds";
    if (method !== "POST") return undefined;
    if (path === `/sentinel${acc}/app/token`) return "sentinel";
    if (path === `${acc}/consumer`) return "idp";
    if (path === `${acc}/messaging/consumer/conversation`) return "conversation";
    if (path === `${acc}/messaging/consumer/conversation/send`) return "send";
    return undefined;
  };

  const handle = (req: IncomingMessage, res: ServerResponse, body: string) => {
    const url = new URL(req.url ?? "/", "http://stand-in");
    const service = route(req.method ?? "", url.pathname);
    if (!service) return send(res, 404, { error: "no such LivePerson endpoint" });
    calls.push({ service, method: req.method ?? "", path: req.url ?? "", headers: req.headers, body });
    const failure = failures.get(service);
    if (failure && failure.times-- > 0) {
      if (failure.status === 401) return unauthorized(res, failure.errorCode, "injected failure");
      return send(res, failure.status, { code: failure.status, body: { msg: "injected failure" } });
    }
    const auth = service === "csds" || service === "sentinel" ? { jws: "" } : authorize(req, service !== "idp");
    if ("errorCode" in auth) return unauthorized(res, auth.errorCode, auth.message);
    const query = url.searchParams;
    const json = /^application\/json\b/.test(req.headers["content-type"] ?? "") ? parseJson(body) : undefined;
    switch (service) {
      case "csds": {
        const name = url.pathname.split("/")[5]!;
        if (query.get("version") !== "1.0" || !SERVICES.has(name)) return send(res, 404, { error: "unknown service" });
        return send(res, 200, { service: name, account: accountId, baseURI: `127.0.0.1:${port}` });
      }
      case "sentinel": {
        if (query.get("v") !== "1.0" || query.get("grant_type") !== "client_credentials") return send(res, 400, { error: "unsupported_grant_type" });
        const form = /^application\/x-www-form-urlencoded\b/.test(req.headers["content-type"] ?? "") ? new URLSearchParams(body) : new URLSearchParams();
        if (form.get("client_id") !== clientId || form.get("client_secret") !== clientSecret) return send(res, 401, { error: "invalid_client" });
        const exp = Math.floor(Date.now() / 1000) + 3600;
        const token = sign({ iss: "Sentinel", aud: clientId, brand: accountId, scope: "msg.consumer", jti: randomUUID(), exp });
        appJwts.set(token, exp);
        return send(res, 200, { access_token: token, token_type: "Bearer" });
      }
      case "idp": {
        if (query.get("v") !== "1.0" || !isObject(json) || typeof json.ext_consumer_id !== "string") return send(res, 400, { error: "ext_consumer_id required" });
        const token = sign({ ext_consumer_id: json.ext_consumer_id, lp_consumer_id: randomUUID(), iat: Math.floor(Date.now() / 1000) });
        consumers.set(token, json.ext_consumer_id);
        return send(res, 201, { token });
      }
      case "conversation":
      case "send": {
        if (query.get("v") !== "3") return send(res, 400, { error: "unsupported API version" });
        const result = service === "conversation" ? openConversation(auth.jws, json) : handleSend(auth.jws, json);
        if (result === 401) return unauthorized(res, 40103, "ConsumerJWS does not own this conversation");
        if (result === undefined || typeof result === "number") return send(res, 400, { error: "malformed request" });
        return send(res, 200, result);
      }
    }
  };

  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => handle(req, res, Buffer.concat(chunks).toString("utf8")));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  port = (server.address() as AddressInfo).port;
  return {
    url: `http://127.0.0.1:${port}`,
    accountId,
    clientId,
    clientSecret,
    calls,
    get conversationsOpened() {
      return [...conversations.values()];
    },
    messages: (conversationId) => conversations.get(conversationId)?.messages ?? [],
    closeByAgent: (conversationId, { survey = false } = {}) => closeMain(known(conversationId), survey),
    endSurvey: (conversationId) => {
      const conversation = known(conversationId);
      conversation.dialogs = conversation.dialogs.map((d) => ({ ...d, state: "CLOSE" }));
      conversation.stage = "CLOSE";
    },
    conversationChange: (conversationId, ts) => {
      const { state, stage, dialogs } = known(conversationId);
      return conversationNotification(conversationId, { state, stage, ts, dialogs, roles: state === "OPEN" ? ["ASSIGNED_AGENT"] : [] });
    },
    expireAppJwts: () => appJwts.clear(),
    failNext: (service, status, times = 1, errorCode = 40102) => void failures.set(service, { status, times, errorCode }),
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}
