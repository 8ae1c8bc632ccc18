import { handler as kommunicateWebhook } from "../../functions/kommunicate-webhook";
import { localSecrets } from "../support/local-secrets";
import { say } from "../../lib/conversation";
import { defineBot } from "../../lib/engine/bot";
import type { LocalJobQueue } from "../../lib/jobs/local-queue";
import { useRuntime, type Runtime } from "../../lib/runtime";
import {
  kmImageRequest,
  kmLocationRequest,
  kmStringContextMediaRequest,
  kmTextRequest,
  kmWelcomeRequest,
  KM_IMAGE_ATTACHMENT,
} from "../platforms/kommunicate/fixtures";
import { startRecordingServer } from "../support/recording-server";
import { useHarness } from "../support/harness";
import { processedIds } from "../support/processed-ids";

/** Kommunicate's custom bot webhook over real HTTP on loopback, sessions in the embedded DynamoDB. */
const h = useHarness({ "POST /kommunicate/webhook": kommunicateWebhook as never });
let rt: Runtime;
let n = 0;
const group = () => `km-${++n}-${Math.random().toString(36).slice(2, 7)}`;

beforeEach(() => {
  rt = h.store.runtime();
  useRuntime(rt);
});

async function post(body: unknown, headers: Record<string, string> = { "x-webhook-secret": localSecrets.KOMMUNICATE_WEBHOOK_SECRET }) {
  const started = Date.now();
  const res = await fetch(`${h.api.url}/kommunicate/webhook`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  return { status: res.status, json: (await res.json()) as any, ms: Date.now() - started };
}

test("WELCOME gets the greeting with suggested replies (templateId 6)", async () => {
  const res = await post(kmWelcomeRequest({ groupId: group(), key: "w1" }));
  expect(res.status).toBe(200);
  expect(res.json).toEqual([
    {
      message: "Hello there! This is the test bot.",
      metadata: {
        contentType: "300",
        templateId: "6",
        payload: [
          { title: "Echo", message: "ECHO" },
          { title: "Card", message: "CARD" },
          { title: "Agent", message: "AGENT" },
          { title: "Carousel", message: "CAROUSEL" },
        ],
      },
    },
  ]);
});

test("'agent' answers with KM_ASSIGN_TO, and the next user message gets []", async () => {
  const groupId = group();
  await post(kmWelcomeRequest({ groupId, key: `${groupId}-0` }));
  const handover = await post(kmTextRequest("Agent", { groupId, key: `${groupId}-1` }));
  expect(handover.json).toEqual([{ message: "Handing you over to a human.", metadata: { KM_ASSIGN_TO: "" } }]);
  const next = await post(kmTextRequest("hello?", { groupId, key: `${groupId}-2` }));
  expect(next.json).toEqual([]);
  expect((await rt.sessions.load("kommunicate", groupId, Date.now()))!.handover.status).toBe("human");
});

test("the bot's card and carousel arrive as Kommunicate's card template (templateId 10), one card per card", async () => {
  const groupId = group();
  await post(kmWelcomeRequest({ groupId, key: `${groupId}-0` }));
  const single = await post(kmTextRequest("card", { groupId, key: `${groupId}-1` }));
  expect(single.json).toHaveLength(1);
  expect(single.json[0].metadata).toMatchObject({ contentType: "300", templateId: "10" });
  expect(single.json[0].metadata.payload.map((c: { title: string }) => c.title)).toEqual(["Test card"]);
  const several = await post(kmTextRequest("carousel", { groupId, key: `${groupId}-2` }));
  expect(several.json[0].metadata.payload.map((c: { title: string }) => c.title)).toEqual(["Test card", "Second card"]);
});

test("a media event reaches the bot as a picture, a location as a location, KM_CHAT_CONTEXT as a string too", async () => {
  const picture = await post(kmImageRequest({ groupId: group(), key: "m1" }));
  expect(picture.json[0].message).toBe('Received your picture "receipt.png".');
  const location = await post(kmLocationRequest({ groupId: group(), key: "m2" }));
  expect(location.json[0].message).toBe("Received your location (52.37, 4.89).");
  const asString = await post(kmStringContextMediaRequest([KM_IMAGE_ATTACHMENT], { groupId: group(), key: "m3" }));
  expect(asString.json[0].message).toMatch(/your picture "receipt.png"/);
});

test("the same key twice gives the same answer and one state change", async () => {
  const groupId = group();
  const request = kmTextRequest("Balance", { groupId, key: "dup-key" });
  const first = await post(request);
  const again = await post(request);
  expect(again.json).toEqual(first.json);
  expect((await rt.sessions.load("kommunicate", groupId, Date.now()))!.version).toBe(1);
});

test("a wrong or missing header gets 401; the header name is configurable", async () => {
  expect((await post(kmTextRequest("hi", { groupId: group() }), { "x-webhook-secret": "nope" })).status).toBe(401);
  const missing = await post(kmTextRequest("hi", { groupId: group() }), {});
  expect(missing).toMatchObject({ status: 401, json: { error: "missing or invalid x-webhook-secret header" } });
  useRuntime(h.store.runtime({ env: { KOMMUNICATE_WEBHOOK_HEADER: "X-Bot-Token", KOMMUNICATE_WEBHOOK_SECRET: "tok-123" } }));
  expect((await post(kmTextRequest("hi", { groupId: group() }), { "x-bot-token": "tok-123" })).status).toBe(200);
  expect((await post(kmTextRequest("hi", { groupId: group() }), { "x-webhook-secret": "tok-123" })).status).toBe(401);
});

test("a body that breaks the schema gets 400 naming the fields", async () => {
  const res = await post({ message: "hi" });
  expect(res.status).toBe(400);
  expect(res.json.issues.map((i: any) => i.path).sort()).toEqual(["groupId", "key"]);
});

describe("the reply budget", () => {
  const slowBot = defineBot({
    initial: "slow",
    defaultState: "slow",
    states: {
      slow: async (ctx) => {
        await new Promise((r) => setTimeout(r, 400));
        return { messages: [say(`slow answer to ${ctx.text}`)] };
      },
    },
  });

  test("a slow bot: holding message within the budget, the late answer pushed through the Platform API", async () => {
    const platform = await startRecordingServer();
    try {
      rt = h.store.runtime({ bot: slowBot, env: { KOMMUNICATE_REPLY_BUDGET_MS: "100", KOMMUNICATE_API_KEY: "km-api-key", KOMMUNICATE_API_BASE: platform.url } });
      useRuntime(rt);
      const groupId = group();
      const res = await post(kmTextRequest("question", { groupId, key: "late-1" }));
      expect(res.json).toEqual([{ message: "One moment please, I'm still working on your answer." }]);
      expect(res.ms).toBeLessThan(400);

      await (rt.jobs as LocalJobQueue).drain();
      expect(platform.requests).toHaveLength(1);
      const sent = platform.requests[0]!;
      expect(sent).toMatchObject({ method: "POST", path: "/rest/ws/message/v2/send" });
      expect(sent.headers["api-key"]).toBe("km-api-key");
      expect(JSON.parse(sent.body)).toEqual({ groupId, message: "slow answer to question", fromUserName: "acme-bot" });
      const session = await rt.sessions.load("kommunicate", groupId, Date.now());
      expect(processedIds(session!.processed, ["late-1"])).toEqual(["late-1"]);
      expect(session!.processed[0]!.messages).toEqual([say("slow answer to question")]);
      expect((await rt.events.list(`conv#kommunicate#${groupId}`)).map((e) => e.type)).toEqual(["kommunicate.late_reply_sent"]);
    } finally {
      await platform.close();
    }
  });

  test("without a Platform API key the late answer is recorded in the events table, never lost", async () => {
    rt = h.store.runtime({ bot: slowBot, env: { KOMMUNICATE_REPLY_BUDGET_MS: "100" } });
    useRuntime(rt);
    const groupId = group();
    await post(kmTextRequest("question", { groupId, key: "late-2" }));
    await (rt.jobs as LocalJobQueue).drain();
    const [event] = await rt.events.list(`conv#kommunicate#${groupId}`);
    expect(event).toMatchObject({ type: "kommunicate.late_reply_recorded", data: { messageId: "late-2", messages: [{ message: "slow answer to question" }] } });
  });

  test("a Platform API that keeps failing ends in the dead-letter record", async () => {
    const platform = await startRecordingServer((_req, res) => void res.writeHead(503).end());
    try {
      rt = h.store.runtime({ bot: slowBot, env: { KOMMUNICATE_REPLY_BUDGET_MS: "50", KOMMUNICATE_API_KEY: "k", KOMMUNICATE_API_BASE: platform.url } });
      useRuntime(rt);
      await post(kmTextRequest("question", { groupId: group(), key: "late-3" }));
      await (rt.jobs as LocalJobQueue).drain();
      expect(platform.requests.length).toBe(5);
      const [dead] = await rt.events.list("jobs#dead-letter");
      expect(dead).toMatchObject({ type: "job.dead_letter", data: { job: { kind: "kommunicate.late-reply", dedupeId: "late-3" }, error: expect.stringContaining("503") } });
    } finally {
      await platform.close();
    }
  });
});
