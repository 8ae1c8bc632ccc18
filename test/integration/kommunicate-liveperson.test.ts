import { handler as kommunicateWebhook } from "../../functions/kommunicate-webhook";
import { handler as livepersonWebhook } from "../../functions/liveperson-webhook";
import type { LocalJobQueue } from "../../lib/jobs/local-queue";
import { resetLivePersonCaches } from "../../lib/platforms/liveperson/client";
import { signLivePersonBody } from "../../lib/platforms/liveperson/verify";
import { useRuntime, type Runtime } from "../../lib/runtime";
import { conversationNotification, messagingNotification, textEvent } from "../platforms/liveperson/fixtures";
import { useHarness } from "../support/harness";
import { startLivePersonStandIn, type LivePersonStandIn } from "../support/liveperson-standin";
import { startRecordingServer, type RecordingServer } from "../support/recording-server";
import { postKommunicateText } from "../support/kommunicate-client";

/**
 * Kommunicate with LivePerson as its human desk (KOMMUNICATE_HUMAN_DESK=liveperson, Platform API key set): the same
 * desk control path as TwoWay's, with no platform-specific code in the desk. Stand-ins for LivePerson's services
 * and for Kommunicate's Platform API, over real HTTP on loopback.
 */
const h = useHarness({ "POST /kommunicate/webhook": kommunicateWebhook as never, "POST /liveperson/webhook": livepersonWebhook as never });
let lp: LivePersonStandIn;
let km: RecordingServer;
let rt: Runtime;
const now = Date.parse("2026-11-21T12:00:00Z");
let n = 0;

beforeAll(async () => {
  [lp, km] = await Promise.all([
    startLivePersonStandIn({ accountId: "12345678", clientId: "lp-client", clientSecret: "lp-secret" }),
    startRecordingServer((_req, res) => void res.writeHead(200, { "content-type": "application/json" }).end('{"status":"success"}')),
  ]);
});
afterAll(() => Promise.all([lp.close(), km.close()]));

const LP_ENV = { LP_ACCOUNT_ID: "12345678", LP_CLIENT_ID: "lp-client", LP_CLIENT_SECRET: "lp-secret", LP_IDLE_TIMEOUT_MINUTES: "30" };
function install(env: Record<string, string>): void {
  resetLivePersonCaches();
  lp.calls.length = 0;
  km.requests.length = 0;
  rt = h.store.runtime({ clock: () => now, env: { ...LP_ENV, LP_CSDS_URL: lp.url, KOMMUNICATE_API_BASE: km.url, ...env } });
  useRuntime(rt);
}

const userSays = async (groupId: string, key: string, text: string) => {
  const res = await postKommunicateText(h.api.url, text, { groupId, key });
  expect(res.status).toBe(200);
  const answer = (await res.json()) as Array<{ message: string; metadata?: Record<string, unknown> }>;
  // The desk's work (open, forward, close) runs as a job, after Kommunicate has its answer.
  await (rt.jobs as LocalJobQueue).drain();
  return answer;
};
const notify = async (body: unknown) => {
  const raw = JSON.stringify(body);
  const res = await fetch(`${h.api.url}/liveperson/webhook`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-liveperson-signature": signLivePersonBody(raw, "lp-secret"), "x-liveperson-client-id": "lp-client", "x-liveperson-account-id": "12345678" },
    body: raw,
  });
  await (rt.jobs as LocalJobQueue).drain();
  return res.status;
};
/** What the Platform API was asked to show in the Kommunicate conversation. */
const pushed = () => km.requests.map((r) => (JSON.parse(r.body) as { groupId: string; message: string }).message);

test("'agent' opens a LivePerson conversation (no KM_ASSIGN_TO); the user's next message goes to the agent; the agent's answer and the bot's greeting after CLOSE reach the user through the Platform API", async () => {
  install({ KOMMUNICATE_HUMAN_DESK: "liveperson", KOMMUNICATE_API_KEY: "km-api-key" });
  const groupId = `km-lp-${++n}`;
  await userSays(groupId, "k1", "hi");
  const handover = await userSays(groupId, "k2", "agent");
  expect(handover.length).toBeGreaterThan(0);
  expect(JSON.stringify(handover)).not.toContain("KM_ASSIGN_TO");
  const opened = lp.conversationsOpened.at(-1)!;
  const lpConversationId = opened.conversationId;
  expect((lp.messages(lpConversationId)[0]!.event.message as string).startsWith("Conversation with the bot so far:")).toBe(true);

  // While the agent holds the chat, the bot answers nothing and the message goes to LivePerson.
  expect(await userSays(groupId, "k3", "my card is blocked")).toEqual([]);
  expect(lp.messages(lpConversationId).at(-1)!.event).toMatchObject({ type: "ContentEvent", message: "my card is blocked" });
  // Kommunicate redelivering it: the same (empty) answer, and the agent sees it once.
  const sent = lp.messages(lpConversationId).length;
  expect(await userSays(groupId, "k3", "my card is blocked")).toEqual([]);
  expect(lp.messages(lpConversationId)).toHaveLength(sent);

  expect(await notify(messagingNotification({ dialogId: lpConversationId, sequence: 1, role: "ASSIGNED_AGENT", serverTimestamp: now }, textEvent("Hi, I'm Dana.")))).toBe(200);
  expect(pushed()).toEqual(["Hi, I'm Dana."]);
  expect(km.requests[0]!.headers["api-key"]).toBe("km-api-key");

  expect(await notify(conversationNotification(lpConversationId, { state: "CLOSE", ts: now + 10 }))).toBe(200);
  expect(pushed().at(-1)).toMatch(/This is the test bot/);
  const session = await rt.sessions.load("kommunicate", groupId, now);
  expect(session!.handover).toEqual({ status: "bot" });
  // Back with the bot: it answers in the webhook again.
  expect((await userSays(groupId, "k4", "still there?"))[0]!.message).toBe("You said: still there?");
});

test("by default (or without a Platform API key) Kommunicate's own agents take the handover: KM_ASSIGN_TO, no LivePerson call", async () => {
  for (const env of [{}, { KOMMUNICATE_HUMAN_DESK: "liveperson" }] as Array<Record<string, string>>) {
    install(env);
    const groupId = `km-own-${++n}`;
    const handover = await userSays(groupId, "k1", "agent");
    expect(JSON.stringify(handover)).toContain("KM_ASSIGN_TO");
    expect(lp.calls.filter((c) => c.service === "conversation")).toEqual([]);
  }
});
