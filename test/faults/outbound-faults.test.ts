import { createServer, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { handler as kommunicateWebhook } from "../../functions/kommunicate-webhook";
import { handler as twowayMessages } from "../../functions/twoway-messages";
import { localSecrets } from "../support/local-secrets";
import { say } from "../../lib/conversation";
import { defineBot } from "../../lib/engine/bot";
import type { LocalJobQueue } from "../../lib/jobs/local-queue";
import { TwoWayClient, TwoWayUnavailableError } from "../../lib/platforms/twoway/client";
import { useRuntime, type Runtime } from "../../lib/runtime";
import { kmTextRequest } from "../platforms/kommunicate/fixtures";
import { twDelivery } from "../platforms/twoway/fixtures";
import { useHarness } from "../support/harness";
import { startRecordingServer, type RecordedRequest, type RecordingServer } from "../support/recording-server";
import { connectionReset, countingBot, injectFaults, provisionedThroughputExceeded } from "./support";
import { findProcessed } from "../../lib/session/processed";

/**
 * The outbound peer failing: TwoWay replies POSTed to CM's outbound URL, and Kommunicate late answers
 * pushed through its Platform API, against local stand-ins that answer 5xx/429, reset the connection,
 * hang, or are not listening at all. test/integration/twoway.test.ts already covers "503 twice, then
 * accepted" (within one job try) and "503 forever → 15 requests + dead letter"; this covers the other
 * failure kinds, recovery across job retries, 4xx, and Kommunicate's recovery.
 *
 * Speed: TWOWAY_RETRY_DELAYS_MS=5,5 (the client's in-job retry delays) and the local queue's own backoff
 * (lib/session/backoff.ts: at most 5·2^attempt ms) keep 15 attempts well under a second. The client's
 * 8 s per-request timeout has no setting (lib/platforms/twoway/deliver.ts builds the client with
 * retryDelaysMs only), so a hanging peer is tested on TwoWayClient directly with its timeoutMs option.
 */
const h = useHarness({ "POST /twoway/messages": twowayMessages as never, "POST /kommunicate/webhook": kommunicateWebhook as never });
const TOKEN = "6b5f2a8e-1111-4c3d-9e7f-0a1b2c3d4e5f";
let rt: Runtime;
let n = 0;
const unique = (prefix: string) => `${prefix}-${++n}-${Math.random().toString(36).slice(2, 7)}`;

/** What the stand-in does with a request: answer with a status, reset the connection, or never answer. */
type Behaviour = number | "reset" | "hang";

interface ScriptedPeer extends RecordingServer {
  /** Behaviours for the next requests, in order; then `otherwise`. */
  script: Behaviour[];
  otherwise: Behaviour;
  /** The requests it answered with a 2xx: what the peer took as delivered. */
  accepted: RecordedRequest[];
}

async function startScriptedPeer(okStatus: number): Promise<ScriptedPeer> {
  let peer: ScriptedPeer | undefined;
  const respond = (req: RecordedRequest, res: ServerResponse) => {
    const behaviour = peer!.script.shift() ?? peer!.otherwise;
    if (behaviour === "hang") return; // closeAllConnections() at the end frees it
    if (behaviour === "reset") return void res.socket?.destroy();
    if (behaviour < 300) peer!.accepted.push(req);
    const body = behaviour < 300 ? (req.path.includes("/adapters/") ? { chat: JSON.parse(req.body).chat ?? {}, message: "Message(s) accepted" } : {}) : { error: "stand-in failure" };
    res.writeHead(behaviour, { "content-type": "application/json" }).end(JSON.stringify(body));
  };
  const server = await startRecordingServer(respond);
  peer = Object.assign(server, { script: [] as Behaviour[], otherwise: okStatus as Behaviour, accepted: [] as RecordedRequest[] });
  return peer;
}

const drain = () => (rt.jobs as LocalJobQueue).drain();
const deadLetters = async (dedupeId: string) => (await rt.events.list("jobs#dead-letter")).filter((e) => (e.data as any).job.dedupeId === dedupeId);

describe("TwoWay replies to the outbound URL", () => {
  let cm: ScriptedPeer;
  beforeAll(async () => {
    cm = await startScriptedPeer(201);
  });
  afterAll(() => cm.close());
  beforeEach(() => {
    cm.requests.length = 0;
    cm.accepted.length = 0;
    cm.script = [];
    cm.otherwise = 201;
  });

  const install = (outboundUrl = `${cm.url}/v2/accounts/tl-1/adapters/ad-1`) => {
    rt = h.store.runtime({ bot: countingBot, env: { TWOWAY_OUTBOUND_URL: outboundUrl, CM_PRODUCT_TOKEN: TOKEN, TWOWAY_RETRY_DELAYS_MS: "5,5" } });
    useRuntime(rt);
  };
  const userSays = async (chatId: string, messageId: string, text = "hello") => {
    const res = await fetch(`${h.api.url}/twoway/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-webhook-secret": localSecrets.TWOWAY_WEBHOOK_SECRET },
      body: JSON.stringify(twDelivery({ chatId, messageId, text })),
    });
    expect(res.status).toBe(201);
    await drain();
  };
  const replyTexts = (requests: RecordedRequest[]) => requests.map((r) => JSON.parse(r.body).conversationMessages.map((m: { text: string }) => m.text).join("\n"));
  /** The turn ran once: a job retry found it recorded instead of counting again. */
  const expectTurnAppliedOnce = async (chatId: string) => {
    const session = (await rt.sessions.load("twoway", chatId, Date.now()))!;
    expect(session).toMatchObject({ version: 1, namespaces: { counter: { n: 1 } } });
  };

  test.each([
    ["500", 500, "HTTP 500"],
    ["429", 429, "HTTP 429"],
    ["a reset connection", "reset", "UND_ERR_SOCKET"],
  ] as const)("a peer that always answers %s: 5 job tries × 3 POSTs, the same reply each time, then a dead letter", async (_what, behaviour, reason) => {
    install();
    cm.otherwise = behaviour;
    const chatId = unique("tw-dead");
    await userSays(chatId, `${chatId}-m1`);
    expect(cm.requests).toHaveLength(15);
    // Every retry resends the recorded answer (a rerun turn would say "turn 2").
    expect(new Set(cm.requests.map((r) => r.body)).size).toBe(1);
    expect(replyTexts(cm.requests)[0]).toBe("hello is turn 1");
    expect(cm.accepted).toEqual([]);
    expect(cm.requests.every((r) => r.headers["x-cm-producttoken"] === TOKEN)).toBe(true);
    const dead = await deadLetters(`${chatId}-m1`);
    expect(dead).toHaveLength(1);
    expect(dead[0]).toMatchObject({ type: "job.dead_letter", platform: "twoway", data: { job: { kind: "twoway.turn", group: `twoway#${chatId}` }, error: `TwoWayUnavailableError: CM unreachable after retries: ${reason}` } });
    await expectTurnAppliedOnce(chatId);
  });

  test("a peer that fails 7 times in mixed ways (across three job tries) then recovers gets the reply exactly once", async () => {
    install();
    cm.script = [500, "reset", 429, 503, 502, "reset", 500];
    const chatId = unique("tw-recover");
    await userSays(chatId, `${chatId}-m1`);
    expect(cm.requests).toHaveLength(8); // 3 + 3 + 2: the third job try's second POST is accepted
    expect(new Set(cm.requests.map((r) => r.body)).size).toBe(1);
    expect(replyTexts(cm.accepted)).toEqual(["hello is turn 1"]);
    expect(await deadLetters(`${chatId}-m1`)).toEqual([]);
    await expectTurnAppliedOnce(chatId);
    // The next message is answered normally: one POST, accepted.
    await userSays(chatId, `${chatId}-m2`, "again");
    expect(replyTexts(cm.requests.slice(8))).toEqual(["again is turn 2"]);
    expect(cm.accepted).toHaveLength(2);
  });

  test("a peer that refuses connections (nothing listening) until its fifth connection: one reply accepted, none lost", async () => {
    // A port nobody listens on (taken and released); the peer comes up on it mid-way.
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const accepted: string[] = [];
    const late: Server = createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on("data", (c: Buffer) => chunks.push(c));
      req.on("end", () => (accepted.push(Buffer.concat(chunks).toString("utf8")), res.writeHead(201).end("{}")));
    });
    const outbound = `http://127.0.0.1:${port}/v2/accounts/tl-1/adapters/ad-1`;
    install(outbound);
    // Counts the client's connection attempts (refused ones never reach a server) and brings the peer up
    // before the fifth; every call still goes through the real fetch.
    const realFetch = globalThis.fetch;
    let attempts = 0;
    const spy = jest.spyOn(globalThis, "fetch").mockImplementation(async (input, init) => {
      if (String(input) === outbound && ++attempts === 5) await new Promise<void>((resolve) => late.listen(port, "127.0.0.1", resolve));
      return realFetch(input, init);
    });
    try {
      const chatId = unique("tw-refused");
      await userSays(chatId, `${chatId}-m1`);
      expect(attempts).toBe(5); // 3 refused in job try 1, 1 refused + 1 accepted in job try 2
      expect(accepted).toHaveLength(1);
      expect(JSON.parse(accepted[0]!).conversationMessages[0].text).toBe("hello is turn 1");
      expect(await deadLetters(`${chatId}-m1`)).toEqual([]);
      await expectTurnAppliedOnce(chatId);
    } finally {
      spy.mockRestore();
      late.closeAllConnections();
      await new Promise<void>((resolve) => late.close(() => resolve()));
    }
  });

  test("a peer that is down for good (connection refused): 5 job tries × 3 attempts, then a dead letter naming ECONNREFUSED", async () => {
    const probe = createServer();
    await new Promise<void>((resolve) => probe.listen(0, "127.0.0.1", resolve));
    const port = (probe.address() as AddressInfo).port;
    await new Promise<void>((resolve) => probe.close(() => resolve()));
    const outbound = `http://127.0.0.1:${port}/v2/accounts/tl-1/adapters/ad-1`;
    install(outbound);
    const spy = jest.spyOn(globalThis, "fetch");
    try {
      const chatId = unique("tw-down");
      await userSays(chatId, `${chatId}-m1`);
      expect(spy.mock.calls.filter(([input]) => String(input) === outbound)).toHaveLength(15);
      const dead = await deadLetters(`${chatId}-m1`);
      expect(dead).toHaveLength(1);
      expect((dead[0]!.data as any).error).toBe("TwoWayUnavailableError: CM unreachable after retries: ECONNREFUSED");
      await expectTurnAppliedOnce(chatId);
    } finally {
      spy.mockRestore();
    }
  });

  test("a 4xx is not retried: one POST, recorded as twoway.reply_rejected, no dead letter", async () => {
    install();
    cm.script = [400];
    const chatId = unique("tw-400");
    await userSays(chatId, `${chatId}-m1`);
    expect(cm.requests).toHaveLength(1);
    const events = await rt.events.list(`conv#twoway#${chatId}`);
    expect(events).toEqual([expect.objectContaining({ type: "twoway.reply_rejected", data: expect.objectContaining({ ref: `${chatId}-m1`, status: 400 }) })]);
    expect(await deadLetters(`${chatId}-m1`)).toEqual([]);
    await expectTurnAppliedOnce(chatId);
  });

  // The engine answers "duplicate" both for a router redelivery an earlier job answered and when this very
  // job's session write reached DynamoDB but its answer was lost (the SDK retries the conditional put, meets
  // the new version, the rerun finds the turn recorded). Only the first may skip the reply (found by this
  // test after c74078b; the outcome's `earlier` flag tells them apart).
  test("a session write whose answer was lost on the job's first try: the reply is still sent, once", async () => {
    install();
    const chatId = unique("tw-lost-answer");
    injectFaults(rt).add({ layer: "attempt", command: "PutItemCommand", table: rt.settings.SESSIONS_TABLE, pk: /^conv#twoway#/, times: 1, error: connectionReset, when: "after" });
    await userSays(chatId, `${chatId}-m1`);
    await expectTurnAppliedOnce(chatId);
    expect(await deadLetters(`${chatId}-m1`)).toEqual([]);
    expect(replyTexts(cm.accepted)).toEqual(["hello is turn 1"]); // fails: [] (nothing sent)
  });

  // The deployed path cannot shorten the 8 s timeout (no setting), so the timeout behaviour is checked on
  // the production client with its own option.
  test("TwoWayClient: a peer that never answers is given up on after 3 timed-out attempts; one that hangs once gets a retry", async () => {
    const client = new TwoWayClient(TOKEN, { retryDelaysMs: [5, 5], timeoutMs: 150 });
    const url = `${cm.url}/v2/accounts/tl-1/adapters/ad-1`;
    const body = { chat: { id: "c-timeout" }, conversationMessages: [{ $type: "text" as const, direction: "ClientTerminated" as const, text: "hi" }] } as never;
    cm.otherwise = "hang";
    const failed = client.sendReply(url, body);
    await expect(failed).rejects.toBeInstanceOf(TwoWayUnavailableError);
    await expect(failed).rejects.toThrow("CM unreachable after retries: timeout");
    expect(cm.requests).toHaveLength(3);

    cm.requests.length = 0;
    cm.script = ["hang"];
    cm.otherwise = 201;
    await client.sendReply(url, body);
    // At-least-once: the peer received the timed-out POST too, and it cannot tell the two apart.
    expect(cm.requests).toHaveLength(2);
    expect(cm.requests[0]!.body).toBe(cm.requests[1]!.body);
  });
});

describe("Kommunicate late answers through the Platform API", () => {
  let km: ScriptedPeer;
  beforeAll(async () => {
    km = await startScriptedPeer(200);
  });
  afterAll(() => km.close());
  beforeEach(() => {
    km.requests.length = 0;
    km.accepted.length = 0;
    km.script = [];
    km.otherwise = 200;
  });

  /** Slower than the 30 ms budget: the webhook answers the holding message and the turn finishes as a job. */
  const slow = (texts: (n: number, text: string) => string[]) =>
    defineBot({
      initial: "slow",
      defaultState: "slow",
      states: {
        slow: async (ctx) => {
          await new Promise((resolve) => setTimeout(resolve, 120));
          const count = Number(ctx.namespaces.counter?.n ?? 0) + 1;
          return { session: { namespace: "counter", data: { n: count } }, messages: texts(count, ctx.text ?? "").map((t) => say(t)) };
        },
      },
    });
  const install = (bot = slow((count, text) => [`${text} is turn ${count}`])) => {
    rt = h.store.runtime({ bot, env: { KOMMUNICATE_REPLY_BUDGET_MS: "30", KOMMUNICATE_API_KEY: "km-api-key", KOMMUNICATE_API_BASE: km.url } });
    useRuntime(rt);
  };
  const ask = async (groupId: string, key: string, text = "question") => {
    const res = await fetch(`${h.api.url}/kommunicate/webhook`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-webhook-secret": localSecrets.KOMMUNICATE_WEBHOOK_SECRET },
      body: JSON.stringify(kmTextRequest(text, { groupId, key })),
    });
    expect(await res.json()).toEqual([{ message: "One moment please, I'm still working on your answer." }]);
    await drain();
  };
  const pushed = () => km.requests.map((r) => JSON.parse(r.body).message as string);
  const accepted = () => km.accepted.map((r) => JSON.parse(r.body).message as string);
  const events = async (groupId: string) => (await rt.events.list(`conv#kommunicate#${groupId}`)).map((e) => e.type);

  test("an API that fails 4 times (5xx, reset) then recovers: the answer is accepted exactly once, no dead letter", async () => {
    install();
    km.script = [503, "reset", 500, 502];
    const groupId = unique("km-recover");
    await ask(groupId, `${groupId}-k1`);
    expect(km.requests).toHaveLength(5); // one push per job try: tries 1-4 fail, the 5th and last is accepted
    expect(pushed()).toEqual(Array(5).fill("question is turn 1"));
    expect(accepted()).toEqual(["question is turn 1"]);
    expect(km.requests.every((r) => r.headers["api-key"] === "km-api-key")).toBe(true);
    expect(await events(groupId)).toEqual(["kommunicate.late_reply_sent"]);
    expect(await deadLetters(`${groupId}-k1`)).toEqual([]);
    // The webhook's own run and five job runs raced on one turn: it was applied once.
    expect((await rt.sessions.load("kommunicate", groupId, Date.now()))!).toMatchObject({ version: 1, namespaces: { counter: { n: 1 } } });
  });

  // The API takes one bubble per call: a retry must resume after the bubbles already accepted.
  test("a two-bubble answer whose second push fails once: each bubble reaches the user once", async () => {
    install(slow((count, text) => [`${text} is turn ${count}`, "anything else?"]));
    km.script = [200, 503];
    const groupId = unique("km-bubbles");
    await ask(groupId, `${groupId}-k1`);
    expect(await deadLetters(`${groupId}-k1`)).toEqual([]);
    expect(accepted().filter((m) => m === "anything else?")).toHaveLength(1);
    expect(accepted().filter((m) => m === "question is turn 1")).toHaveLength(1);
  });

  // Recording the delivery is bookkeeping: once the API accepted the answer, failing to record it must not
  // make the job retry and push the answer again.
  test("the events table failing right after an accepted push does not push the answer twice", async () => {
    install();
    const faults = injectFaults(rt);
    faults.add({ layer: "call", command: "PutItemCommand", table: rt.settings.EVENTS_TABLE, pk: /^conv#kommunicate#/, times: 1, error: provisionedThroughputExceeded });
    const groupId = unique("km-record");
    await ask(groupId, `${groupId}-k1`);
    expect(accepted()).toEqual(["question is turn 1"]);
    // The record is missing (an error is logged), and the answer stays in the session's recorded answers.
    expect(await events(groupId)).toEqual([]);
    const session = (await rt.sessions.load("kommunicate", groupId, Date.now()))!;
    expect(findProcessed(session.processed, `${groupId}-k1`)!.messages).toEqual([{ type: "text", text: "question is turn 1" }]);
  });
});
