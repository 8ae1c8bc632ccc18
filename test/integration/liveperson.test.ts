import { handler as livepersonWebhook } from "../../functions/liveperson-webhook";
import { handler as twowayEvents } from "../../functions/twoway-events";
import { handler as twowayMessages } from "../../functions/twoway-messages";
import { localSecrets } from "../support/local-secrets";
import type { LocalJobQueue } from "../../lib/jobs/local-queue";
import { resetLivePersonCaches } from "../../lib/platforms/liveperson/client";
import { signLivePersonBody } from "../../lib/platforms/liveperson/verify";
import { useRuntime, type Runtime } from "../../lib/runtime";
import { conversationNotification, hostedFileEvent, mainDialog, messagingNotification, surveyDialog, textEvent, type Role } from "../platforms/liveperson/fixtures";
import { twDelivery } from "../platforms/twoway/fixtures";
import { useHarness } from "../support/harness";
import { startLivePersonStandIn, type LivePersonStandIn } from "../support/liveperson-standin";
import { startRecordingServer, type RecordingServer } from "../support/recording-server";

/**
 * LivePerson as the human side of a TwoWay conversation, over real HTTP on loopback: a stand-in for LP's
 * services (CSDS, sentinel, idp, conversation, send) and one for CM's outbound endpoint.
 */
const h = useHarness({ "POST /twoway/messages": twowayMessages as never, "POST /twoway/events": twowayEvents as never, "POST /liveperson/webhook": livepersonWebhook as never });
let lp: LivePersonStandIn;
let cm: RecordingServer;
let rt: Runtime;
let now = Date.parse("2026-11-21T12:00:00Z");
let n = 0;

beforeAll(async () => {
  [lp, cm] = await Promise.all([
    startLivePersonStandIn({ accountId: "12345678", clientId: "lp-client", clientSecret: "lp-secret" }),
    startRecordingServer((_req, res) => void res.writeHead(201, { "content-type": "application/json" }).end("{}")),
  ]);
});
beforeEach(() => {
  resetLivePersonCaches();
  lp.calls.length = 0;
  cm.requests.length = 0;
  rt = h.store.runtime({
    clock: () => now,
    env: {
      TWOWAY_OUTBOUND_URL: `${cm.url}/v2/accounts/tl/adapters/ad`,
      LP_ACCOUNT_ID: "12345678",
      LP_CLIENT_ID: "lp-client",
      LP_CLIENT_SECRET: "lp-secret",
      LP_CSDS_URL: lp.url,
      LP_IDLE_TIMEOUT_MINUTES: "30",
    },
  });
  useRuntime(rt);
});
afterAll(() => Promise.all([lp.close(), cm.close()]));

const drain = () => (rt.jobs as LocalJobQueue).drain();
const texts = () => cm.requests.map((r) => JSON.parse(r.body).conversationMessages.map((m: { text: string }) => m.text).join("\n"));
const userSays = async (chatId: string, id: string, text: string) => {
  const res = await fetch(`${h.api.url}/twoway/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-webhook-secret": localSecrets.TWOWAY_WEBHOOK_SECRET },
    body: JSON.stringify(twDelivery({ chatId, messageId: id, text })),
  });
  expect(res.status).toBe(201);
  await drain();
};
async function post(body: unknown, { secret = "lp-secret", clientId = "lp-client" } = {}) {
  const raw = JSON.stringify(body);
  const res = await fetch(`${h.api.url}/liveperson/webhook`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-liveperson-signature": signLivePersonBody(raw, secret), "x-liveperson-client-id": clientId, "x-liveperson-account-id": "12345678" },
    body: raw,
  });
  await drain();
  return res;
}
const notify = async (body: unknown, credentials: { secret?: string; clientId?: string } = {}) => (await post(body, credentials)).status;
const agentSays = (dialogId: string, sequence: number, message: string, role: Role = "ASSIGNED_AGENT") =>
  messagingNotification({ dialogId, sequence, role, serverTimestamp: now }, textEvent(message));
const conversationChange = (convId: string, state: "OPEN" | "CLOSE", ts: number) => conversationNotification(convId, { state, ts });

/** Starts a TwoWay conversation and hands it to LivePerson; returns the chat id and LP conversation id. */
async function handedOver() {
  const chatId = `lp-chat-${++n}`;
  await userSays(chatId, `${chatId}-1`, "hi");
  await userSays(chatId, `${chatId}-2`, "agent");
  const opened = lp.conversationsOpened.at(-1)!;
  return { chatId, lpConversationId: opened.conversationId };
}

test("'agent' on TwoWay: AppJWT → ConsumerJWS → CONVERSATION → SEND once, in order; the next user message goes to the agent", async () => {
  const { chatId, lpConversationId } = await handedOver();
  const order = lp.calls.map((c) => c.service).filter((s) => s !== "csds");
  expect(order).toEqual(["sentinel", "idp", "conversation", "send"]);
  const transcript = lp.messages(lpConversationId)[0]!.event.message as string;
  expect(transcript).toContain("User: hi");
  expect(transcript).toContain("User: agent");
  expect(texts().at(-1)).toBe("Handing you over to a human.");
  const session = await rt.sessions.load("twoway", chatId, now);
  expect(session!.handover).toMatchObject({ status: "human", target: "liveperson" });
  expect(session!.human).toMatchObject({ provider: "liveperson", conversationId: lpConversationId, extConsumerId: `twoway:${chatId}` });

  const before = cm.requests.length;
  await userSays(chatId, `${chatId}-3`, "my card is blocked");
  expect(lp.messages(lpConversationId).at(-1)!.event).toMatchObject({ type: "ContentEvent", message: "my card is blocked" });
  expect(cm.requests.length).toBe(before); // the bot stayed silent
});

test("an agent's message is relayed to the TwoWay chat once; consumer echoes are ignored; CLOSE hands back to the bot", async () => {
  const { chatId, lpConversationId } = await handedOver();
  const before = cm.requests.length;
  expect(await notify(agentSays(lpConversationId, 1, "Hi, I'm Dana. How can I help?"))).toBe(200);
  expect(texts().slice(before)).toEqual(["Hi, I'm Dana. How can I help?"]);
  expect(await notify(agentSays(lpConversationId, 1, "Hi, I'm Dana. How can I help?"))).toBe(200);
  expect(await notify(agentSays(lpConversationId, 0, "an older message"))).toBe(200);
  expect(await notify(agentSays(lpConversationId, 2, "my own words", "CONSUMER"))).toBe(200);
  expect(cm.requests.length).toBe(before + 1);

  expect(await notify(conversationChange(lpConversationId, "CLOSE", now + 10))).toBe(200);
  expect(texts().at(-1)).toMatch(/^Hello Ana! This is the test bot\./);
  const session = await rt.sessions.load("twoway", chatId, now);
  expect(session!.handover).toEqual({ status: "bot" });
  expect(session!.human!.conversationId).toBeUndefined();
  // A stale OPEN arriving after the CLOSE changes nothing.
  expect(await notify(conversationChange(lpConversationId, "OPEN", now + 5))).toBe(200);
  expect((await rt.sessions.load("twoway", chatId, now))!.handover).toEqual({ status: "bot" });

  await userSays(chatId, `${chatId}-9`, "Balance");
  expect(texts().at(-1)).toMatch(/^You said: Balance/);
});

test("every participant who speaks to the consumer is relayed (a joined AGENT, a MANAGER); consumer echoes and CONTROLLER system messages are not", async () => {
  const { lpConversationId } = await handedOver();
  const before = cm.requests.length;
  expect(await notify(agentSays(lpConversationId, 1, "Hi, I'm Dana."))).toBe(200);
  expect(await notify(agentSays(lpConversationId, 2, "Sam here, I'm joining Dana.", "AGENT"))).toBe(200);
  expect(await notify(agentSays(lpConversationId, 3, "I'm Dana's manager; your card is unblocked.", "MANAGER"))).toBe(200);
  expect(await notify(agentSays(lpConversationId, 4, "thanks", "CONSUMER"))).toBe(200);
  expect(await notify(agentSays(lpConversationId, 5, "Conversation transferred to skill Cards", "CONTROLLER"))).toBe(200);
  expect(texts().slice(before)).toEqual(["Hi, I'm Dana.", "Sam here, I'm joining Dana.", "I'm Dana's manager; your card is unblocked."]);
});

test("an agent's file share (hosted/file, message an object) reaches the user as its caption; no caption: the file type", async () => {
  const { chatId, lpConversationId } = await handedOver();
  const before = cm.requests.length;
  expect(await notify(messagingNotification({ dialogId: lpConversationId, sequence: 1 }, hostedFileEvent("Your card statement")))).toBe(200);
  expect(await notify(messagingNotification({ dialogId: lpConversationId, sequence: 2 }, hostedFileEvent("", "PNG")))).toBe(200);
  expect(texts().slice(before)).toEqual(["[file] Your card statement", "[file] (PNG)"]);
  // Nothing of LP's file store (a path that needs a signed URL) or the inline preview reaches the user.
  expect(cm.requests.slice(before).map((r) => r.body).join()).not.toMatch(/AUTH_async-images|base64/);
  // A share that carries a usable (absolute https) link sends it too.
  const linked = hostedFileEvent("Terms");
  linked.message.relativePath = "https://files.example.com/terms.pdf";
  expect(await notify(messagingNotification({ dialogId: lpConversationId, sequence: 3 }, linked))).toBe(200);
  expect(texts().at(-1)).toBe("[file] Terms\nhttps://files.example.com/terms.pdf");
  const session = await rt.sessions.load("twoway", chatId, now);
  expect(session!.human!.lastSequence).toBe(3);
});

test("the user's numbered answer to an agent's (or a survey's) quick replies reaches LP as the reply's text", async () => {
  const { chatId, lpConversationId } = await handedOver();
  const question = {
    ...textEvent("Was your issue resolved?"),
    quickReplies: { type: "quickReplies", itemsPerRow: 8, replies: [["Yes", "yes"], ["No", "no"]].map(([title, text]) => ({ type: "button", title, click: { actions: [{ type: "publishText", text }] } })) },
  };
  expect(await notify(messagingNotification({ dialogId: lpConversationId, sequence: 1 }, question))).toBe(200);
  expect(texts().at(-1)).toBe("Was your issue resolved?\n\n1) Yes\n2) No");
  await userSays(chatId, `${chatId}-3`, "2");
  expect(lp.messages(lpConversationId).at(-1)!.event).toMatchObject({ message: "no" });
  // Once the agent writes without options, a number is just a number again.
  expect(await notify(agentSays(lpConversationId, 2, "How many cards do you have?"))).toBe(200);
  await userSays(chatId, `${chatId}-4`, "2");
  expect(lp.messages(lpConversationId).at(-1)!.event).toMatchObject({ message: "2" });
});

describe("a post-conversation survey after the agent closes", () => {
  const surveySays = (lpConversationId: string, surveyDialogId: string, sequence: number, event: Record<string, unknown>, role: Role = "AGENT") =>
    messagingNotification({ dialogId: surveyDialogId, conversationId: lpConversationId, sequence, role, originatorId: "survey-bot", serverTimestamp: now }, event);
  const rating = {
    ...textEvent("How would you rate the service?"),
    quickReplies: { type: "quickReplies", itemsPerRow: 8, replies: ["1", "5"].map((n) => ({ type: "button", title: n, click: { actions: [{ type: "publishText", text: n }] } })) },
  };

  test("is relayed to the user, the user's answers go to the survey dialog, and the bot takes over only when it is over", async () => {
    const { chatId, lpConversationId } = await handedOver();
    expect(await notify(agentSays(lpConversationId, 1, "Done, anything else?"))).toBe(200);
    const surveyDialogId = lp.closeByAgent(lpConversationId, { survey: true })!;
    const before = cm.requests.length;
    // state CLOSE, stage OPEN, an open POST_SURVEY dialog: not over, the bot stays silent.
    expect(await notify(lp.conversationChange(lpConversationId, now + 10))).toBe(200);
    expect(cm.requests.length).toBe(before);
    expect((await rt.sessions.load("twoway", chatId, now))!.handover).toMatchObject({ status: "human", target: "liveperson" });

    // The survey bot writes into its own dialog with role AGENT (its sequences are its dialog's own).
    expect(await notify(surveySays(lpConversationId, surveyDialogId, 1, rating))).toBe(200);
    expect(texts().slice(before)).toEqual(["How would you rate the service?\n\n1) 1\n2) 5"]);
    // The user picks option 2; its text goes to the survey. Our answer comes back as a CONSUMER echo: not relayed.
    await userSays(chatId, `${chatId}-3`, "2");
    const answer = lp.messages(lpConversationId).at(-1)!;
    expect(answer).toMatchObject({ dialogId: surveyDialogId, event: { type: "ContentEvent", message: "5" } });
    const sent = JSON.parse(lp.calls.filter((c) => c.service === "send").at(-1)!.body);
    expect(sent.body).toMatchObject({ dialogId: surveyDialogId, conversationId: lpConversationId });
    expect(await notify(surveySays(lpConversationId, surveyDialogId, 2, textEvent("5"), "CONSUMER"))).toBe(200);
    expect(await notify(surveySays(lpConversationId, surveyDialogId, 3, textEvent("Thank you for your feedback!")))).toBe(200);
    expect(await notify(surveySays(lpConversationId, surveyDialogId, 3, textEvent("Thank you for your feedback!")))).toBe(200); // redelivered
    expect(texts().slice(before)).toEqual(["How would you rate the service?\n\n1) 1\n2) 5", "Thank you for your feedback!"]);
    expect(texts().slice(before).join("\n")).not.toMatch(/This is the test bot/);

    // The survey ends: stage CLOSE. Now the bot greets the user again, and a late survey message is dropped.
    lp.endSurvey(lpConversationId);
    expect(await notify(lp.conversationChange(lpConversationId, now + 20))).toBe(200);
    expect(texts().at(-1)).toMatch(/^Hello Ana! This is the test bot\./);
    const session = await rt.sessions.load("twoway", chatId, now);
    expect(session!.handover).toEqual({ status: "bot" });
    expect(session!.human!.conversationId).toBeUndefined();
    const after = cm.requests.length;
    expect(await notify(surveySays(lpConversationId, surveyDialogId, 4, textEvent("One more question")))).toBe(200);
    expect(cm.requests.length).toBe(after);
    await userSays(chatId, `${chatId}-4`, "Balance");
    expect(texts().at(-1)).toMatch(/^You said: Balance/);
  });

  test("the survey's messages are queued in their conversation's group, so they keep their order with its changes", async () => {
    const queue = rt.jobs as unknown as Record<string, unknown>;
    const groups = new Set<string>();
    for (const name of ["enqueue", "enqueueAll"]) {
      const original = queue[name];
      if (typeof original !== "function") continue;
      jest.spyOn(queue as Record<string, (...args: unknown[]) => unknown>, name).mockImplementation(function (this: unknown, ...args: unknown[]) {
        for (const job of [args[0]].flat() as Array<{ group: string }>) groups.add(job.group);
        return (original as (...a: unknown[]) => unknown).apply(this, args);
      });
    }
    try {
      expect(await notify(surveySays("conv-1", "survey-1", 1, textEvent("How would you rate the service?")))).toBe(200);
      expect(await notify(conversationNotification("conv-1", { state: "CLOSE", stage: "OPEN", ts: now, dialogs: [mainDialog("conv-1", "CLOSE"), surveyDialog("survey-1", "OPEN")] }))).toBe(200);
    } finally {
      jest.restoreAllMocks();
    }
    expect([...groups]).toEqual(["lp#conv-1"]);
  });

  test("the agent's quick replies do not apply to the survey: a number typed as it starts is sent as typed", async () => {
    const { chatId, lpConversationId } = await handedOver();
    const question = { ...textEvent("Anything else?"), quickReplies: { type: "quickReplies", replies: [{ type: "button", title: "No, thanks", click: { actions: [{ type: "publishText", text: "no" }] } }] } };
    expect(await notify(messagingNotification({ dialogId: lpConversationId, sequence: 1 }, question))).toBe(200);
    const surveyDialogId = lp.closeByAgent(lpConversationId, { survey: true })!;
    expect(await notify(lp.conversationChange(lpConversationId, now + 10))).toBe(200);
    await userSays(chatId, `${chatId}-3`, "1");
    expect(lp.messages(lpConversationId).at(-1)).toMatchObject({ dialogId: surveyDialogId, event: { message: "1" } });
    // The survey's own options do apply, even when its question arrived before the change that opened it.
    const rate = { ...textEvent("Rate us"), quickReplies: { type: "quickReplies", replies: ["bad", "good"].map((t) => ({ type: "button", title: t, click: { actions: [{ type: "publishText", text: t.toUpperCase() }] } })) } };
    const second = await handedOver();
    const secondSurvey = lp.closeByAgent(second.lpConversationId, { survey: true })!;
    expect(await notify(surveySays(second.lpConversationId, secondSurvey, 1, rate))).toBe(200);
    expect(await notify(lp.conversationChange(second.lpConversationId, now + 10))).toBe(200);
    await userSays(second.chatId, `${second.chatId}-3`, "2");
    expect(lp.messages(second.lpConversationId).at(-1)).toMatchObject({ dialogId: secondSurvey, event: { message: "GOOD" } });
  });

  test("a closed survey dialog ends it even while the stage is OPEN; a survey change older than the end is ignored", async () => {
    const { chatId, lpConversationId } = await handedOver();
    const surveyDialogId = "fb84c76d-0daa-46c7-b02d-eb6130c022c1";
    const dialogs = (survey: "OPEN" | "CLOSE") => [mainDialog(lpConversationId, "CLOSE"), surveyDialog(surveyDialogId, survey)];
    const ended = conversationNotification(lpConversationId, { state: "CLOSE", stage: "OPEN", ts: now + 20, dialogs: dialogs("CLOSE") });
    expect(await notify(ended)).toBe(200);
    expect(texts().at(-1)).toMatch(/^Hello Ana! This is the test bot\./);
    expect((await rt.sessions.load("twoway", chatId, now))!.handover).toEqual({ status: "bot" });
    const started = conversationNotification(lpConversationId, { state: "CLOSE", stage: "OPEN", ts: now + 10, dialogs: dialogs("OPEN") });
    expect(await notify(started)).toBe(200);
    expect((await rt.sessions.load("twoway", chatId, now))!.handover).toEqual({ status: "bot" });
  });

  test("the idle timeout during a survey hands back to the bot without a CLOSE LP would refuse", async () => {
    const { chatId, lpConversationId } = await handedOver();
    lp.closeByAgent(lpConversationId, { survey: true });
    expect(await notify(lp.conversationChange(lpConversationId, now + 10))).toBe(200);
    const sends = lp.calls.filter((c) => c.service === "send").length;
    now += 31 * 60_000;
    await userSays(chatId, `${chatId}-3`, "Balance");
    expect(texts().at(-1)).toMatch(/^You said: Balance/);
    expect(lp.calls.filter((c) => c.service === "send").length).toBe(sends);
    expect((await rt.sessions.load("twoway", chatId, now))!.human!.conversationId).toBeUndefined();
  });
});

test("an expired AppJWT (401, 40102) is refreshed once and the forward succeeds", async () => {
  const { chatId, lpConversationId } = await handedOver();
  lp.expireAppJwts();
  const sentinelBefore = lp.calls.filter((c) => c.service === "sentinel").length;
  await userSays(chatId, `${chatId}-3`, "still there?");
  expect(lp.calls.filter((c) => c.service === "sentinel").length).toBe(sentinelBefore + 1);
  expect(lp.messages(lpConversationId).at(-1)!.event).toMatchObject({ message: "still there?" });
});

test("the idle timeout closes the LivePerson conversation and the bot answers again; so does the user's session ending", async () => {
  const first = await handedOver();
  now += 31 * 60_000;
  await userSays(first.chatId, `${first.chatId}-3`, "Balance");
  expect(lp.conversationsOpened.find((c) => c.conversationId === first.lpConversationId)!.state).toBe("CLOSE");
  expect(texts().at(-1)).toMatch(/^You said: Balance/);

  const second = await handedOver();
  const res = await fetch(`${h.api.url}/twoway/events?secret=${localSecrets.TWOWAY_WEBHOOK_SECRET}`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ chat: { id: second.chatId }, conversationEvents: [{ $type: "RouterSessionEnded", id: `end-${second.chatId}` }] }),
  });
  expect(res.status).toBe(200);
  expect(lp.conversationsOpened.find((c) => c.conversationId === second.lpConversationId)!.state).toBe("CLOSE");
});

test("a bad signature or client id gets 401 and relays nothing", async () => {
  const { lpConversationId } = await handedOver();
  const before = cm.requests.length;
  expect(await notify(agentSays(lpConversationId, 1, "forged"), { secret: "not-the-secret" })).toBe(401);
  expect(await notify(agentSays(lpConversationId, 1, "forged"), { clientId: "someone-else" })).toBe(401);
  expect(cm.requests.length).toBe(before);
});

test("notification types we do not handle are acknowledged; a malformed one gets 400", async () => {
  expect(await notify({ kind: "notification", type: "ms.SomethingNew", body: { changes: [] } })).toBe(200);
  expect(await notify({ kind: "notification", type: "ms.MessagingEventNotification", body: { changes: [{ sequence: 1 }] } })).toBe(400);
});

test("a notification with no type or no body.changes array is a schema break: 400 with a JSON error naming it, whatever the type", async () => {
  const cases: Array<[unknown, string]> = [
    [{ kind: "notification", body: { changes: [] } }, "type"],
    [{ kind: "notification", type: 5, body: { changes: [] } }, "type"],
    [{ kind: "notification", type: "ms.SomethingNew", body: {} }, "body.changes"],
    [{ kind: "notification", type: "ms.SomethingNew", body: { changes: { 0: {} } } }, "body.changes"],
    [{ kind: "notification", type: "ms.SomethingNew" }, "body"],
    [{ kind: "notification", type: "cqm.ExConversationChangeNotification", body: { changes: null } }, "body.changes"],
  ];
  for (const [body, path] of cases) {
    const res = await post(body);
    expect(res.status).toBe(400);
    const json = (await res.json()) as { error: unknown; issues?: Array<{ path: string }> };
    expect(typeof json.error).toBe("string");
    expect(json.issues?.map((i) => i.path)).toContain(path);
  }
});
