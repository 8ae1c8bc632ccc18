import { handler as kommunicateWebhook } from "../../functions/kommunicate-webhook";
import { handler as livepersonWebhook } from "../../functions/liveperson-webhook";
import type { Turn } from "../../lib/conversation";
import { jobHandlers } from "../../lib/jobs/handlers";
import type { Job } from "../../lib/jobs/job";
import type { LocalJobQueue } from "../../lib/jobs/local-queue";
import { runJob } from "../../lib/jobs/worker";
import { KOMMUNICATE_DESK } from "../../lib/platforms/kommunicate/desk";
import { KOMMUNICATE_LATE_REPLY } from "../../lib/platforms/kommunicate/late-reply";
import { resetLivePersonCaches } from "../../lib/platforms/liveperson/client";
import type { LivePersonLink } from "../../lib/platforms/liveperson/bridge";
import { LIVEPERSON_CHANGE } from "../../lib/platforms/liveperson/change-job";
import { signLivePersonBody } from "../../lib/platforms/liveperson/verify";
import { useRuntime, type Runtime } from "../../lib/runtime";
import { conversationNotification, messagingNotification, textEvent } from "../platforms/liveperson/fixtures";
import { useHarness } from "../support/harness";
import { startLivePersonStandIn, type LivePersonStandIn } from "../support/liveperson-standin";
import { startRecordingServer, type RecordingServer } from "../support/recording-server";
import { postKommunicateText } from "../support/kommunicate-client";

/**
 * Each job kind is safe to run twice: the same job again (a redelivery after its completion record was lost, or
 * a new job for the same work) sends nothing already sent. Kommunicate's Platform API and LivePerson are local
 * stand-ins that count what they receive.
 */
const h = useHarness({ "POST /kommunicate/webhook": kommunicateWebhook as never, "POST /liveperson/webhook": livepersonWebhook as never });
let lp: LivePersonStandIn;
let km: RecordingServer;
let rt: Runtime;
const now = Date.parse("2026-11-21T12:00:00Z");
let n = 0;
/** How many of the next Platform API calls fail (those are left out of `pushed`). */
let kmFailures = 0;
const failedCalls = new Set<number>();

beforeAll(async () => {
  [lp, km] = await Promise.all([
    startLivePersonStandIn({ accountId: "12345678", clientId: "lp-client", clientSecret: "lp-secret" }),
    startRecordingServer((_req, res) => {
      if (kmFailures > 0) {
        kmFailures--;
        failedCalls.add(km.requests.length - 1);
        return void res.writeHead(500).end();
      }
      res.writeHead(200, { "content-type": "application/json" }).end('{"status":"success"}');
    }),
  ]);
});
afterAll(() => Promise.all([lp.close(), km.close()]));
beforeEach(() => {
  resetLivePersonCaches();
  lp.calls.length = 0;
  km.requests.length = 0;
  failedCalls.clear();
  kmFailures = 0;
  const env = { LP_ACCOUNT_ID: "12345678", LP_CLIENT_ID: "lp-client", LP_CLIENT_SECRET: "lp-secret", LP_CSDS_URL: lp.url, KOMMUNICATE_API_BASE: km.url };
  rt = h.store.runtime({ clock: () => now, env: { ...env, KOMMUNICATE_HUMAN_DESK: "liveperson", KOMMUNICATE_API_KEY: "km-api-key" } });
  useRuntime(rt);
});

const drain = () => (rt.jobs as LocalJobQueue).drain();
const pushed = () => km.requests.filter((_, i) => !failedCalls.has(i)).map((r) => (JSON.parse(r.body) as { message: string }).message);
const userSays = async (groupId: string, key: string, text: string) => {
  const res = await postKommunicateText(h.api.url, text, { groupId, key });
  expect(res.status).toBe(200);
  await drain();
};
const turn = (groupId: string, messageId: string, text: string): Turn => ({ platform: "kommunicate", conversationId: groupId, userId: "u", messageId, message: { type: "text", text }, receivedAt: now });
/** The same work as a new job each time (another dedupe id): only the job's own progress records can stop a repeat. */
const again = (job: Job, i: number): Job => ({ ...job, dedupeId: `${job.dedupeId}#run-${i}` });

/** A Kommunicate conversation handed over to a LivePerson agent; its LivePerson conversation id. */
async function handedOver(): Promise<{ groupId: string; lpConversationId: string }> {
  const groupId = `twice-${++n}`;
  await userSays(groupId, "k1", "hi");
  await userSays(groupId, "k2", "agent");
  return { groupId, lpConversationId: lp.conversationsOpened.at(-1)!.conversationId };
}

test("Kommunicate late reply: run twice, each bubble is pushed once", async () => {
  const groupId = `twice-${++n}`;
  const job: Job = { kind: KOMMUNICATE_LATE_REPLY, group: `kommunicate#${groupId}`, dedupeId: "late-1", payload: { turn: turn(groupId, "late-1", "hi") } };
  for (const i of [1, 2]) await runJob(rt, jobHandlers, again(job, i), i);
  expect(pushed().length).toBeGreaterThan(0);
  expect(new Set(pushed()).size).toBe(pushed().length);
});

test("Kommunicate desk job: run twice, the user's message reaches the agent once", async () => {
  const { groupId, lpConversationId } = await handedOver();
  const before = lp.messages(lpConversationId).length;
  const job: Job = { kind: KOMMUNICATE_DESK, group: `kommunicate#${groupId}`, dedupeId: "k3:desk", payload: { turn: turn(groupId, "k3", "my card is blocked"), actions: ["forward"] } };
  for (const i of [1, 2]) await runJob(rt, jobHandlers, again(job, i), i);
  expect(lp.messages(lpConversationId).slice(before).map((m) => m.event.message)).toEqual(["my card is blocked"]);
});

test("LivePerson agent message: relayed, then its session update lost, then run again: relayed once", async () => {
  const { groupId, lpConversationId } = await handedOver();
  const body = messagingNotification({ dialogId: lpConversationId, sequence: 1, role: "ASSIGNED_AGENT", serverTimestamp: now }, textEvent("Hi, I'm Dana."));
  const job: Job = { kind: LIVEPERSON_CHANGE, group: `lp#${lpConversationId}`, dedupeId: `${lpConversationId}:1`, payload: { type: body.type, change: body.body.changes[0]! } };
  await runJob(rt, jobHandlers, again(job, 1), 1);
  expect(pushed()).toEqual(["Hi, I'm Dana."]);
  // As if the update after the relay had failed: the session no longer knows sequence 1 was relayed.
  const session = (await rt.sessions.load("kommunicate", groupId, now))!;
  const { lastSequence: _relayed, ...link } = session.human as LivePersonLink;
  expect(await rt.sessions.save({ ...session, human: link }, session.version)).toBe("saved");
  await runJob(rt, jobHandlers, again(job, 2), 2);
  expect(pushed()).toEqual(["Hi, I'm Dana."]);
});

test("the LivePerson webhook delivering a notification twice relays the agent's message once", async () => {
  const { lpConversationId } = await handedOver();
  const raw = JSON.stringify(messagingNotification({ dialogId: lpConversationId, sequence: 1, role: "ASSIGNED_AGENT", serverTimestamp: now }, textEvent("Hello again")));
  for (let i = 0; i < 2; i++) {
    const res = await fetch(`${h.api.url}/liveperson/webhook`, {
      method: "POST",
      headers: { "content-type": "application/json", "x-liveperson-signature": signLivePersonBody(raw, "lp-secret"), "x-liveperson-client-id": "lp-client", "x-liveperson-account-id": "12345678" },
      body: raw,
    });
    expect(res.status).toBe(200);
    await drain();
  }
  expect(pushed()).toEqual(["Hello again"]);
});

test("LivePerson close: the greeting's relay fails, the job is rerun: the greeting is owed and goes out once", async () => {
  const { lpConversationId } = await handedOver();
  const body = conversationNotification(lpConversationId, { state: "CLOSE", ts: now + 10 });
  const job: Job = { kind: LIVEPERSON_CHANGE, group: `lp#${lpConversationId}`, dedupeId: `${lpConversationId}:close`, payload: { type: body.type, change: body.body.changes[0]! } };
  kmFailures = 1;
  await expect(runJob(rt, jobHandlers, job, 1)).rejects.toThrow();
  expect(pushed()).toEqual([]);
  await runJob(rt, jobHandlers, job, 2);
  expect(pushed()).toHaveLength(1);
  expect(pushed()[0]).toMatch(/This is the test bot/);
  await runJob(rt, jobHandlers, again(job, 3), 3);
  expect(pushed()).toHaveLength(1);
});
