import { handler as bmWebhook } from "../../functions/bm-webhook";
import { defineBot } from "../../lib/engine/bot";
import { say } from "../../lib/conversation";
import { logger } from "../../lib/log";
import { bmSettings } from "../../lib/platforms/business-messenger/settings";
import { localSecrets } from "../support/local-secrets";
import { signBmBody } from "../../lib/platforms/business-messenger/verify";
import { useRuntime } from "../../lib/runtime";
import { bmTextRequest } from "../platforms/business-messenger/fixtures";
import { postBm } from "../support/bm-client";
import { useHarness } from "../support/harness";

/** Concurrency, outages, misconfiguration and logging, through signed HTTP and the real embedded store. */

const h = useHarness({ "POST /bm/webhook": bmWebhook as never });
const webhook = () => `${h.api.url}/bm/webhook`;

/** Counts its turns in a session namespace: a lost update would show as a count below the number of turns. */
const counterBot = defineBot({
  initial: "count",
  defaultState: "count",
  states: {
    count: (ctx) => {
      const n = Number(ctx.namespaces.counter?.n ?? 0) + 1;
      return { session: { namespace: "counter", data: { n } }, messages: [say("count {counter.n}")] };
    },
  },
});

test("30 concurrent turns on one conversation lose no update", async () => {
  const rt = h.store.runtime({ bot: counterBot });
  useRuntime(rt);
  const dialogUuid = "concurrent-1";
  const answers = await Promise.all(
    Array.from({ length: 30 }, (_, i) => postBm(webhook(), bmTextRequest(`msg ${i}`, { dialogUuid, providerMsgID: `c-${i}` }))),
  );
  expect(answers.map((a) => a.status)).toEqual(Array(30).fill(200));
  const session = await rt.sessions.load("bm", dialogUuid, Date.now());
  expect(session!.namespaces.counter).toEqual({ n: 30 });
  expect(session!.version).toBe(30);
  // Every turn saw a different count: each answer is one of 1..30, all distinct.
  const counts = answers.map((a) => Number(a.json.messages[0].body.content.replace("count ", ""))).sort((a, b) => a - b);
  expect(counts).toEqual(Array.from({ length: 30 }, (_, i) => i + 1));
});

test("a store outage answers 503 with a JSON error, not a crash", async () => {
  const { createRuntime } = await import("../../lib/runtime");
  const { createDocumentClient } = await import("../../lib/session/dynamo");
  const { readSettings } = await import("../../lib/config");
  const { testBot } = await import("../support/test-bot");
  const dead = createDocumentClient("http://127.0.0.1:9"); // nothing listens on the discard port
  useRuntime(createRuntime({ userBot: testBot, settings: readSettings({ ...process.env, ...h.store.tables }), doc: dead }));
  const res = await postBm(webhook(), bmTextRequest("hi", { dialogUuid: "outage-1" }));
  dead.destroy();
  expect(res.status).toBe(503);
  expect(res.json).toEqual({ error: "session store unavailable (read session)" });
  expect(res.headers.get("retry-after")).toBe("1");
});

test("a deployed stage without BM_SIGNATURE_KEY refuses with 503 and stores nothing", async () => {
  const rt = h.store.runtime({ env: { BOT_STAGE: "prod", BM_SIGNATURE_KEY: "" } });
  useRuntime(rt);
  expect(bmSettings(rt).BM_SIGNATURE_KEY).toBeUndefined();
  const res = await postBm(webhook(), bmTextRequest("hi", { dialogUuid: "unconfigured-1" }));
  expect(res.status).toBe(503);
  expect(res.json).toEqual({ error: "Business Messenger is not configured on this stage" });
  // Signed with the local default key: still refused, the default never applies outside the local stage.
  await expect(rt.sessions.load("bm", "unconfigured-1", Date.now())).resolves.toBeUndefined();
});

test("logs are JSON lines with one correlation id per turn, and never contain the signature key or signature", async () => {
  const rt = h.store.runtime({ env: { BM_SIGNATURE_KEY: "s3cret-signing-key-for-log-test" } });
  useRuntime(rt);
  const lines: string[] = [];
  const capture = (chunk: unknown) => {
    lines.push(String(chunk));
    return true;
  };
  // Powertools writes INFO/DEBUG to stdout and WARN/ERROR to stderr.
  const spies = [jest.spyOn(process.stdout, "write").mockImplementation(capture), jest.spyOn(process.stderr, "write").mockImplementation(capture)];
  logger.setLogLevel("DEBUG");
  try {
    const ok = await postBm(webhook(), bmTextRequest("hi", { dialogUuid: "logs-1" }), { key: "s3cret-signing-key-for-log-test" });
    const forged = await postBm(webhook(), bmTextRequest("hi", { dialogUuid: "logs-2" }), { key: localSecrets.BM_SIGNATURE_KEY });
    expect(ok.status).toBe(200);
    expect(forged.status).toBe(401);
  } finally {
    logger.setLogLevel("SILENT");
    spies.forEach((s) => s.mockRestore());
  }
  const entries = lines.join("").split("\n").filter(Boolean).map((l) => JSON.parse(l));
  expect(entries.length).toBeGreaterThanOrEqual(2);
  const byTurn = new Map<string, unknown[]>();
  for (const e of entries) {
    expect(typeof e.correlationId).toBe("string");
    byTurn.set(e.correlationId, [...(byTurn.get(e.correlationId) ?? []), e]);
  }
  expect(byTurn.size).toBe(2);
  const all = lines.join("");
  expect(all).not.toContain("s3cret-signing-key-for-log-test");
  expect(all).not.toContain(localSecrets.BM_SIGNATURE_KEY);
  expect(entries.some((e) => e.message === "turn answered" && e.conversationId === "logs-1")).toBe(true);
  expect(entries.some((e) => e.message === "request refused" && e.status === 401)).toBe(true);
});

test("the caller cannot choose the correlation id of our log lines: x-correlation-id is ignored, ours is echoed", async () => {
  useRuntime(h.store.runtime());
  const lines: string[] = [];
  const capture = (chunk: unknown) => (lines.push(String(chunk)), true);
  const spies = [jest.spyOn(process.stdout, "write").mockImplementation(capture), jest.spyOn(process.stderr, "write").mockImplementation(capture)];
  logger.setLogLevel("DEBUG");
  const chosen = ["forged-0001", "x".repeat(300)];
  const answers: Array<{ status: number; id: string | null }> = [];
  try {
    for (const id of chosen.slice(0, 2)) {
      const raw = JSON.stringify(bmTextRequest("hi", { dialogUuid: `corr-${answers.length}` }));
      // Unauthenticated, then authenticated: neither decides the id.
      for (const key of ["not-the-key", localSecrets.BM_SIGNATURE_KEY]) {
        const res = await fetch(webhook(), { method: "POST", headers: { "content-type": "application/json", "x-bm-signature": signBmBody(raw, key), "x-correlation-id": id }, body: raw });
        answers.push({ status: res.status, id: res.headers.get("x-correlation-id") });
      }
    }
  } finally {
    logger.setLogLevel("SILENT");
    spies.forEach((s) => s.mockRestore());
  }
  expect(answers.map((a) => a.status)).toEqual([401, 200, 401, 200]);
  const logged = lines.join("").split("\n").filter(Boolean).map((l) => JSON.parse(l).correlationId as string);
  for (const id of chosen) {
    expect(answers.map((a) => a.id)).not.toContain(id);
    expect(logged).not.toContain(id);
  }
  // Each answer echoes the id its log lines carry.
  expect(answers.every((a) => a.id && logged.includes(a.id))).toBe(true);
});
