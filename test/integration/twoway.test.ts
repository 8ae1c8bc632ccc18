import { handler as twowayEvents } from "../../functions/twoway-events";
import { handler as twowayHandover } from "../../functions/twoway-handover";
import { handler as twowayMessages } from "../../functions/twoway-messages";
import { localSecrets } from "../support/local-secrets";
import { say } from "../../lib/conversation";
import { defineBot } from "../../lib/engine/bot";
import type { Job } from "../../lib/jobs/job";
import { jobHandlers } from "../../lib/jobs/handlers";
import { LocalJobQueue } from "../../lib/jobs/local-queue";
import { runJob } from "../../lib/jobs/worker";
import { useRuntime, type Runtime } from "../../lib/runtime";
import { twDelivery, twEventsBody, twHandoverBody, twHandoverEmptyContextBody, twMixedDelivery } from "../platforms/twoway/fixtures";
import { useHarness } from "../support/harness";
import { startRecordingServer, type RecordingServer } from "../support/recording-server";
import type { TestStore } from "../support/local-dynamo";
import { processedIds } from "../support/processed-ids";

/**
 * CM.com TwoWay over real HTTP on loopback: the router's three callbacks, turns as in-process jobs, replies
 * POSTed to a local stand-in for CM's outbound endpoint (records requests, fails on demand).
 */
const SECRET = localSecrets.TWOWAY_WEBHOOK_SECRET;
const TOKEN = "6b5f2a8e-1111-4c3d-9e7f-0a1b2c3d4e5f";
const h = useHarness({
  "POST /twoway/messages": twowayMessages as never,
  "POST /twoway/handover": twowayHandover as never,
  "POST /twoway/events": twowayEvents as never,
});
let cm: RecordingServer;
let cmFailures = 0;
let rt: Runtime;
let n = 0;
const chatId = () => `chat-${++n}-${Math.random().toString(36).slice(2, 7)}`;

beforeAll(async () => {
  cm = await startRecordingServer((req, res) => {
    if (cmFailures > 0) {
      cmFailures--;
      res.writeHead(503).end();
      return;
    }
    res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ chat: JSON.parse(req.body).chat ?? {}, message: "Message(s) accepted" }));
  });
});
beforeEach(() => {
  cm.requests.length = 0;
  cmFailures = 0;
  rt = runtimeWith();
});
afterAll(() => cm.close());

function runtimeWith(options: Parameters<TestStore["runtime"]>[0] = {}) {
  const next = h.store.runtime({
    ...options,
    env: { TWOWAY_OUTBOUND_URL: `${cm.url}/v2/accounts/tl-1/adapters/ad-1`, CM_PRODUCT_TOKEN: TOKEN, TWOWAY_RETRY_DELAYS_MS: "20,40", ...options.env },
  });
  useRuntime(next);
  return next;
}
const drain = () => (rt.jobs as LocalJobQueue).drain();
const replies = () => cm.requests.filter((r) => r.path.includes("/adapters/")).map((r) => JSON.parse(r.body));
const texts = () => replies().flatMap((b) => b.conversationMessages.map((m: { text: string }) => m.text));

async function post(path: string, body: unknown, { secret = SECRET, query = "" }: { secret?: string | null; query?: string } = {}) {
  const started = Date.now();
  const res = await fetch(`${h.api.url}${path}${query}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...(secret === null ? {} : { "x-webhook-secret": secret }) },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, text: await res.text(), ms: Date.now() - started };
}

describe("POST /twoway/messages", () => {
  test("201 at once whatever the bot's speed; the reply reaches the outbound URL as ClientTerminated text with the product token", async () => {
    const slow = defineBot({ initial: "s", defaultState: "s", states: { s: async () => (await new Promise((r) => setTimeout(r, 1500)), { messages: [say("Hi! How can I help?")] }) } });
    rt = runtimeWith({ bot: slow });
    const id = chatId();
    const res = await post("/twoway/messages", twDelivery({ chatId: id, messageId: "m-1" }));
    expect(res).toMatchObject({ status: 201, text: "" });
    expect(res.ms).toBeLessThan(1000);
    await drain();
    expect(cm.requests).toHaveLength(1);
    expect(cm.requests[0]!.headers["x-cm-producttoken"]).toBe(TOKEN);
    expect(replies()[0]).toEqual({
      chat: { id, accountId: expect.any(String), channel: "WhatsApp", conversationClientId: "0031612345678", conversationHostId: "0031201234567" },
      conversationMessages: [{ $type: "text", direction: "ClientTerminated", text: "Hi! How can I help?" }],
    });
  });

  test("the job carries the webhook request's correlation id across the queue (the id the answer echoes)", async () => {
    const received: Job[] = [];
    rt.jobs = new LocalJobQueue(
      (job, attempt) => (received.push(job), runJob(rt, jobHandlers, job, attempt)),
      async () => undefined,
    );
    const res = await fetch(`${h.api.url}/twoway/messages`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-webhook-secret": SECRET },
      body: JSON.stringify(twDelivery({ chatId: chatId(), messageId: "c-1" })),
    });
    expect(res.status).toBe(201);
    await drain();
    const id = res.headers.get("x-correlation-id");
    expect(id).toBeTruthy();
    expect(received.map((job) => job.correlationId)).toEqual([id]);
  });

  test("the test bot's greeting arrives with numbered options, and '1' maps back to the first", async () => {
    const id = chatId();
    await post("/twoway/messages", twDelivery({ chatId: id, messageId: "g-1", text: "hi" }));
    await drain();
    expect(texts()[0]).toBe("Hello Ana! This is the test bot.\n\n1) Echo\n2) Card\n3) Agent\n4) Carousel");
    await post("/twoway/messages", twDelivery({ chatId: id, messageId: "g-2", text: "1" }));
    await drain();
    expect(texts()[1]).toMatch(/^You said: ECHO/);
  });

  test("a redelivery of the same message id produces no second reply", async () => {
    const id = chatId();
    const delivery = twDelivery({ chatId: id, messageId: "r-1" });
    await post("/twoway/messages", delivery);
    await drain();
    expect((await post("/twoway/messages", delivery)).status).toBe(201);
    await drain();
    expect(replies()).toHaveLength(1);
  });

  test("a redelivery after the queue's deduplication window is queued, and its job sends nothing again", async () => {
    const id = chatId();
    const delivery = twDelivery({ chatId: id, messageId: "late-1" });
    await post("/twoway/messages", delivery);
    await drain();
    rt = runtimeWith(); // a fresh queue: SQS has forgotten the deduplication id (5 minutes)
    expect((await post("/twoway/messages", delivery)).status).toBe(201);
    await drain();
    expect(replies()).toHaveLength(1);
    const session = await rt.sessions.load("twoway", id, Date.now());
    expect(processedIds(session!.processed, ["late-1"])).toEqual(["late-1"]);
  });

  test("turns of one conversation run in arrival order, even when the first is the slowest", async () => {
    const delays: Record<string, number> = { one: 300, two: 10, three: 50 };
    const bot = defineBot({ initial: "e", defaultState: "e", states: { e: async (ctx) => (await new Promise((r) => setTimeout(r, delays[ctx.text!] ?? 0)), { messages: [say(`echo ${ctx.text}`)] }) } });
    rt = runtimeWith({ bot });
    const id = chatId();
    for (const [i, text] of ["one", "two", "three"].entries()) await post("/twoway/messages", twDelivery({ chatId: id, messageId: `o-${i}`, text }));
    await drain();
    expect(texts()).toEqual(["echo one", "echo two", "echo three"]);
  });

  test("an outbound endpoint that fails twice then succeeds receives the reply once", async () => {
    cmFailures = 2;
    await post("/twoway/messages", twDelivery({ chatId: chatId(), messageId: "f-1" }));
    await drain();
    expect(cm.requests).toHaveLength(3);
    expect(cm.requests.map((r) => r.body)).toEqual(Array(3).fill(cm.requests[2]!.body));
  });

  test("an outbound endpoint that always fails leaves a visible dead letter", async () => {
    cmFailures = 1_000;
    const id = chatId();
    await post("/twoway/messages", twDelivery({ chatId: id, messageId: "dl-1" }));
    await drain();
    expect(cm.requests.length).toBe(15); // 5 job attempts × 3 HTTP attempts
    const dead = (await rt.events.list("jobs#dead-letter")).find((e) => (e.data as any).job.dedupeId === "dl-1");
    expect(dead).toMatchObject({ type: "job.dead_letter", data: { job: { kind: "twoway.turn", group: `twoway#${id}` }, error: expect.stringContaining("HTTP 503") } });
  });

  test("unknown $types are skipped, not refused; the text messages still get replies", async () => {
    const res = await post("/twoway/messages", twMixedDelivery());
    expect(res.status).toBe(201);
    await drain();
    expect(replies()).toHaveLength(2);
  });

  test("a wrong secret gets 401 and records nothing; the query form of the secret works", async () => {
    const id = chatId();
    expect((await post("/twoway/messages", twDelivery({ chatId: id }), { secret: "nope" })).status).toBe(401);
    expect((await post("/twoway/messages", twDelivery({ chatId: id }), { secret: null })).status).toBe(401);
    await drain();
    expect(cm.requests).toHaveLength(0);
    await expect(rt.sessions.load("twoway", id, Date.now())).resolves.toBeUndefined();
    expect((await post("/twoway/messages", twDelivery({ chatId: id }), { secret: null, query: `?secret=${SECRET}` })).status).toBe(201);
    await drain();
    expect(replies()).toHaveLength(1);
  });

  test("a deployed stage without the outbound settings refuses with 503 (the router offers the message again)", async () => {
    rt = runtimeWith({ env: { BOT_STAGE: "prod", TWOWAY_WEBHOOK_SECRET: SECRET, TWOWAY_OUTBOUND_URL: "", CM_PRODUCT_TOKEN: "" } });
    const res = await post("/twoway/messages", twDelivery({ chatId: chatId() }));
    expect(res.status).toBe(503);
    expect(JSON.parse(res.text)).toEqual({ error: "TwoWay is not configured on this stage" });
  });

  test("a body that breaks the schema gets 400 naming the fields", async () => {
    const res = await post("/twoway/messages", { chat: { id: "x" }, conversationMessages: [] });
    expect(res.status).toBe(400);
    expect(JSON.parse(res.text).issues.map((i: { path: string }) => i.path)).toEqual(expect.arrayContaining(["chat.accountId", "chat.channel"]));
  });
});

describe("handover", () => {
  test("'agent' replies, marks the chat human, flips the routing rules when configured; the bot is then silent", async () => {
    rt = runtimeWith({ env: { TWOWAY_CONTROL_URL: `${cm.url}/control/v1`, TWOWAY_CHANNEL_ADAPTER_ID: "wa", TWOWAY_BOT_ADAPTER_ID: "bot", TWOWAY_AGENT_ADAPTER_ID: "desk" } });
    const id = chatId();
    await post("/twoway/messages", twDelivery({ chatId: id, messageId: "a-1", text: "agent" }));
    await drain();
    expect(texts()).toEqual(["Handing you over to a human."]);
    const control = cm.requests.find((r) => r.path.includes("/routing/mutationrequests"))!;
    expect(control.path).toBe(`/control/v1/accounts/${encodeURIComponent(replies()[0].chat.accountId)}/chats/${id}/routing/mutationrequests`);
    expect(JSON.parse(control.body)).toEqual({
      ChatId: id,
      Mutations: [
        { $type: "ruleMutation", action: "Disable", operator: "And", sourceAdapterId: "wa", targetAdapterId: "bot" },
        { $type: "ruleMutation", action: "Enable", operator: "And", sourceAdapterId: "wa", targetAdapterId: "desk" },
      ],
      Context: { owner: "human", reason: "user-request" },
    });
    await post("/twoway/messages", twDelivery({ chatId: id, messageId: "a-2", text: "hello?" }));
    await drain();
    expect(texts()).toHaveLength(1);
  });

  test("the handover notification with an empty $context is repaired and hands the chat back to the bot", async () => {
    const id = chatId();
    await post("/twoway/handover", twHandoverBody({ owner: "human" }, { chatId: id }));
    expect((await rt.sessions.load("twoway", id, Date.now()))!.handover.status).toBe("human");
    await post("/twoway/messages", twDelivery({ chatId: id, messageId: "h-1", text: "Balance" }));
    await drain();
    expect(replies()).toHaveLength(0);

    const body = twHandoverEmptyContextBody({ chatId: id });
    expect(body).toContain('"context":}');
    const res = await post("/twoway/handover", body);
    expect(res).toMatchObject({ status: 200, text: "" });
    expect((await rt.sessions.load("twoway", id, Date.now()))!.handover).toEqual({ status: "bot" });
    const events = await rt.events.list(`conv#twoway#${id}`);
    expect(events.filter((e) => e.type === "twoway.handover").map((e) => (e.data as any).owner)).toEqual(["bot", "human"]);

    await post("/twoway/messages", twDelivery({ chatId: id, messageId: "h-2", text: "Balance" }));
    await drain();
    expect(texts()[0]).toMatch(/^You said: Balance/);
  });

  test("a handover body that cannot be repaired gets 400", async () => {
    const res = await post("/twoway/handover", '{"chatId":"x",,,');
    expect(res.status).toBe(400);
  });
});

describe("POST /twoway/events", () => {
  test("RouterSessionEnded is recorded and closes the dialog state; the secret may come as a query parameter", async () => {
    const id = chatId();
    await post("/twoway/messages", twDelivery({ chatId: id, messageId: "e-1", text: "hi" }));
    await drain();
    expect((await rt.sessions.load("twoway", id, Date.now()))!.state).toBe("echo");
    const res = await post("/twoway/events", twEventsBody("RouterSessionEnded", {}), { secret: null, query: `?secret=${SECRET}` });
    expect(res.status).toBe(200);
    // twEventsBody uses the fixture chat id: send one for this chat too.
    await post("/twoway/events", { chat: { id }, conversationEvents: [{ $type: "RouterSessionEnded", id: `ev-${id}` }] }, { secret: null, query: `?secret=${SECRET}` });
    const session = await rt.sessions.load("twoway", id, Date.now());
    expect(session!.state).toBeUndefined();
    expect(session!.handover).toEqual({ status: "bot" });
    expect((await rt.events.list(`conv#twoway#${id}`)).map((e) => e.type)).toContain("twoway.event.RouterSessionEnded");
  });

  test("other event shapes are recorded and answered 200; a wrong secret gets 401", async () => {
    expect((await post("/twoway/events", { eventType: "SomethingElse", chatId: "c-x" })).status).toBe(200);
    expect((await rt.events.list("conv#twoway#c-x"))[0]).toMatchObject({ type: "twoway.event.SomethingElse" });
    expect((await post("/twoway/events", { type: "X" }, { secret: "bad" })).status).toBe(401);
  });
});
