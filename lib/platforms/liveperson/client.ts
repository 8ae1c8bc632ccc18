import { sleep } from "../../session/backoff";
import { csdsLookupUrl, resetDomainCache, serviceOrigin, type LivePersonServiceName } from "./domains";
import { appJwtExpiresAt, appJwtKey, cachedAppJwt, dropAppJwt, resetAppJwtCache } from "./tokens";
import { fitRetries } from "../../jobs/deadline";

/** LP answered 401: `errorCode` tells an AppJWT problem (40001/40102/40105) from a ConsumerJWS one (40103/40104). */
export class LivePersonAuthError extends Error {
  readonly status = 401;
  constructor(
    readonly errorCode: number | undefined,
    readonly detail: string,
  ) {
    super(`LivePerson refused the credentials (401${errorCode === undefined ? "" : ` ${errorCode}`})`);
    this.name = "LivePersonAuthError";
  }
}

/** LP refused the request for good: a 4xx other than 401/429, or a non-OK `code` in a messaging answer. */
export class LivePersonRequestError extends Error {
  constructor(
    readonly status: number,
    readonly code: string | undefined,
    readonly detail: string,
  ) {
    super(`LivePerson refused the request (HTTP ${status}${code === undefined ? "" : `, code ${code}`})`);
    this.name = "LivePersonRequestError";
  }
}

/** A transient failure (429, 5xx, network, timeout) that outlived our retries: the job queue retries later. */
export class LivePersonUnavailableError extends Error {
  constructor(reason: string) {
    super(`LivePerson unreachable after retries: ${reason}`);
    this.name = "LivePersonUnavailableError";
  }
}

export type LivePersonChatState = "ACTIVE" | "INACTIVE" | "GONE" | "COMPOSING" | "PAUSE";

export interface LivePersonConfig {
  accountId: string;
  clientId: string;
  clientSecret: string;
  /** Routing target; `-1` (any skill) when unset. */
  skillId?: string;
  /** Domain-discovery base (`LP_CSDS_URL`); its scheme is used for every service host. */
  csdsUrl: string;
}

export interface LivePersonClientOptions {
  /** Delays before the 2nd, 3rd … attempt on 429/5xx/network/timeout. */
  retryDelaysMs?: number[];
  timeoutMs?: number;
  /** Epoch ms, for token and domain expiry. */
  clock?: () => number;
}

/** Drops the module-scope AppJWT and domain caches (tests). */
export function resetLivePersonCaches(): void {
  resetAppJwtCache();
  resetDomainCache();
}

/** 401 codes that blame the AppJWT: drop it, fetch a new one, retry the call once. */
const APP_JWT_ERROR_CODES = new Set([40001, 40102, 40105]);

interface Answer {
  status: number;
  json: unknown;
  text: string;
}

const field = (value: unknown, name: string): unknown =>
  typeof value === "object" && value !== null && !Array.isArray(value) ? (value as Record<string, unknown>)[name] : undefined;

const parseJson = (text: string): unknown => {
  try {
    return JSON.parse(text);
  } catch {
    return undefined;
  }
};

const codeOf = (value: unknown): string | undefined => (typeof value === "string" || typeof value === "number" ? String(value) : undefined);

/**
 * The consumer side of LP's Connector API: domain discovery, AppJWT, ConsumerJWS, CONVERSATION
 * and SEND. Tokens go raw in `Authorization` / `X-LP-ON-BEHALF`, never with `Bearer `.
 */
export class LivePersonClient {
  private readonly delays: number[];
  private readonly timeoutMs: number;
  private readonly now: () => number;
  /** SEND request ids; the CONVERSATION batch uses "1" and "2", so these start at 3. */
  private nextId = 3;

  constructor(
    private readonly config: LivePersonConfig,
    options: LivePersonClientOptions = {},
  ) {
    this.delays = options.retryDelaysMs ?? [500, 2_000];
    this.timeoutMs = options.timeoutMs ?? 8_000;
    this.now = options.clock ?? Date.now;
  }

  private get account(): string {
    return encodeURIComponent(this.config.accountId);
  }

  /** The AppJWT from the module cache, fetched from sentinel when missing or < 60 s from expiry. */
  appJwt(): Promise<string> {
    const { csdsUrl, accountId, clientId, clientSecret } = this.config;
    return cachedAppJwt(appJwtKey(csdsUrl, accountId, clientId), this.now(), async () => {
      const url = `${await this.origin("sentinel")}/sentinel/api/account/${this.account}/app/token?v=1.0&grant_type=client_credentials`;
      const form = new URLSearchParams({ client_id: clientId, client_secret: clientSecret }).toString();
      const answer = await this.request(url, { "content-type": "application/x-www-form-urlencoded" }, form);
      const token = field(answer.json, "access_token");
      if (typeof token !== "string" || token === "") throw new LivePersonRequestError(answer.status, undefined, "sentinel answer lacks access_token");
      const expiresIn = Number(field(answer.json, "expires_in"));
      return { token, expiresAt: appJwtExpiresAt(token, Number.isNaN(expiresIn) ? undefined : expiresIn, this.now()) };
    });
  }

  /** A ConsumerJWS for a stable user key (never expires: the caller stores it). */
  consumerJws(extConsumerId: string): Promise<string> {
    return this.withAppJwt(async (appJwt) => {
      const url = `${await this.origin("idp")}/api/account/${this.account}/consumer?v=1.0`;
      const answer = await this.request(url, { "content-type": "application/json", authorization: appJwt }, JSON.stringify({ ext_consumer_id: extConsumerId }));
      const token = field(answer.json, "token");
      if (typeof token !== "string" || token === "") throw new LivePersonRequestError(answer.status, undefined, "idp answer lacks token");
      return token;
    });
  }

  /** CONVERSATION: sets the consumer profile and asks for a conversation; returns its id. */
  async openConversation(consumerJws: string, profile: { firstName?: string; lastName?: string } = {}): Promise<string> {
    const personal: Record<string, string> = {};
    if (profile.firstName) personal.firstname = profile.firstName;
    if (profile.lastName) personal.lastname = profile.lastName;
    const profileBody = Object.keys(personal).length > 0 ? { authenticatedData: { lp_sdes: [{ type: "personal", personal }] } } : {};
    const request = { brandId: this.config.accountId, channelType: "MESSAGING", ttrDefName: "NORMAL", skillId: this.config.skillId ?? "-1" };
    const batch = [
      { kind: "req", id: "1", type: "userprofile.SetUserProfile", body: profileBody },
      { kind: "req", id: "2", type: "cm.ConsumerRequestConversation", body: request },
    ];
    const answer = await this.messaging("conversation", consumerJws, batch);
    // Only the conversation request decides: a profile hiccup must not orphan a conversation LP opened.
    const conversationId = field(this.okBody(answer, "2"), "conversationId");
    if (typeof conversationId !== "string" || conversationId === "") throw new LivePersonRequestError(answer.status, "OK", "CONVERSATION answer lacks conversationId");
    return conversationId;
  }

  /**
   * SEND a text message from the consumer into a dialog of the conversation: the MAIN one (its id is the
   * conversation's) unless `dialogId` names another, such as an open post-conversation survey, in which case
   * the conversation is named too. Returns LP's `sequence` for it.
   */
  async sendText(consumerJws: string, conversationId: string, text: string, dialogId = conversationId): Promise<number> {
    const event = { type: "ContentEvent", contentType: "text/plain", message: text };
    const body = await this.send(consumerJws, "ms.PublishEvent", dialogId === conversationId ? { dialogId, event } : { dialogId, conversationId, event });
    const sequence = field(body, "sequence");
    if (typeof sequence !== "number") throw new LivePersonRequestError(200, "OK", "SEND answer lacks sequence");
    return sequence;
  }

  /** SEND a chat state (typing is COMPOSING; always follow it with another state). */
  async sendChatState(consumerJws: string, conversationId: string, state: LivePersonChatState): Promise<void> {
    await this.send(consumerJws, "ms.PublishEvent", { dialogId: conversationId, event: { type: "ChatStateEvent", chatState: state } });
  }

  /** SEND the consumer's CLOSE of the conversation. */
  async closeConversation(consumerJws: string, conversationId: string): Promise<void> {
    await this.send(consumerJws, "cm.UpdateConversationField", { conversationId, conversationField: { field: "ConversationStateField", conversationState: "CLOSE" } });
  }

  private async send(consumerJws: string, type: string, body: unknown): Promise<unknown> {
    const id = String(this.nextId++);
    return this.okBody(await this.messaging("send", consumerJws, { kind: "req", id, type, body }), id);
  }

  private messaging(path: "conversation" | "send", consumerJws: string, payload: unknown): Promise<Answer> {
    return this.withAppJwt(async (appJwt) => {
      const base = `${await this.origin("asyncMessagingEnt")}/api/account/${this.account}/messaging/consumer/conversation`;
      const headers = { "content-type": "application/json", authorization: appJwt, "x-lp-on-behalf": consumerJws };
      return this.request(`${base}${path === "send" ? "/send" : ""}?v=3`, headers, JSON.stringify(payload));
    });
  }

  /** The body of the answer whose `reqId` is `reqId` (answers come as one object or an array), if its code is OK. */
  private okBody(answer: Answer, reqId: string): unknown {
    const answers: unknown[] = Array.isArray(answer.json) ? answer.json : [answer.json];
    const match = answers.find((a) => codeOf(field(a, "reqId")) === reqId);
    if (match === undefined) throw new LivePersonRequestError(answer.status, undefined, `no answer for request ${reqId}: ${answer.text.slice(0, 300)}`);
    const code = codeOf(field(match, "code"));
    if (code !== "OK" && code !== "200" && code !== "201") throw new LivePersonRequestError(answer.status, code, JSON.stringify(match).slice(0, 500));
    return field(match, "body");
  }

  /** Runs `call` with the AppJWT; when LP blames the AppJWT (40001/40102/40105), once more with a fresh one. */
  private async withAppJwt<T>(call: (appJwt: string) => Promise<T>): Promise<T> {
    const appJwt = await this.appJwt();
    try {
      return await call(appJwt);
    } catch (err) {
      if (!(err instanceof LivePersonAuthError) || err.errorCode === undefined || !APP_JWT_ERROR_CODES.has(err.errorCode)) throw err;
      const { csdsUrl, accountId, clientId } = this.config;
      dropAppJwt(appJwtKey(csdsUrl, accountId, clientId), appJwt);
      return call(await this.appJwt());
    }
  }

  /** The origin (scheme of `csdsUrl` + `baseURI`) of an LP service, from CSDS through the module cache. */
  private origin(service: LivePersonServiceName): Promise<string> {
    const { csdsUrl, accountId } = this.config;
    return serviceOrigin(csdsUrl, accountId, service, this.now(), async () => {
      const answer = await this.request(csdsLookupUrl(csdsUrl, accountId, service), {});
      const baseUri = field(answer.json, "baseURI");
      if (typeof baseUri !== "string" || baseUri === "") throw new LivePersonRequestError(answer.status, undefined, `CSDS has no baseURI for ${service}`);
      return baseUri;
    });
  }

  /** One HTTP call (GET without a body, else POST) with retries on 429/5xx/network/timeout. */
  private async request(url: string, headers: Record<string, string>, body?: string): Promise<Answer> {
    let lastReason = "";
    // Inside a job, the attempts and their timeouts are cut to its deadline (lib/jobs/deadline.ts).
    const { timeoutMs, retryDelaysMs } = fitRetries({ timeoutMs: this.timeoutMs, retryDelaysMs: this.delays }, "a LivePerson call");
    for (let attempt = 0; attempt <= retryDelaysMs.length; attempt++) {
      if (attempt > 0) await sleep(retryDelaysMs[attempt - 1]!);
      let res: Response;
      let text: string;
      try {
        res = await fetch(url, { method: body === undefined ? "GET" : "POST", headers, body, signal: AbortSignal.timeout(timeoutMs) });
        text = await res.text();
      } catch (err) {
        lastReason = (err as Error).name === "TimeoutError" ? "timeout" : String((err as Error & { cause?: { code?: string } }).cause?.code ?? err);
        continue;
      }
      const json = parseJson(text);
      if (res.ok) return { status: res.status, json, text };
      if (res.status === 401) {
        const errorCode = Number(codeOf(field(field(json, "body"), "errorCode") ?? field(json, "errorCode")));
        throw new LivePersonAuthError(Number.isInteger(errorCode) ? errorCode : undefined, text.slice(0, 500));
      }
      if (res.status !== 429 && res.status < 500) throw new LivePersonRequestError(res.status, codeOf(field(json, "code")), text.slice(0, 500));
      lastReason = `HTTP ${res.status}`;
    }
    throw new LivePersonUnavailableError(lastReason);
  }
}
