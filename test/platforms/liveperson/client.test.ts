import {
  LivePersonAuthError,
  LivePersonClient,
  LivePersonRequestError,
  LivePersonUnavailableError,
  resetLivePersonCaches,
  type LivePersonClientOptions,
  type LivePersonConfig,
} from "../../../lib/platforms/liveperson/client";
import { startLivePersonStandIn, type LivePersonCall, type LivePersonService, type LivePersonStandIn } from "../../support/liveperson-standin";

/** LivePersonClient against the LivePerson stand-in over real HTTP: CSDS → sentinel → idp → CONVERSATION → SEND. */
let lp: LivePersonStandIn;
beforeEach(async () => {
  resetLivePersonCaches();
  lp = await startLivePersonStandIn();
});
afterEach(() => lp.close());

const client = (config: Partial<LivePersonConfig> = {}, options: LivePersonClientOptions = {}) =>
  new LivePersonClient(
    { accountId: lp.accountId, clientId: lp.clientId, clientSecret: lp.clientSecret, csdsUrl: lp.url, ...config },
    { retryDelaysMs: [5, 5], timeoutMs: 3_000, ...options },
  );
const callsTo = (service: LivePersonService) => lp.calls.filter((c) => c.service === service);
const json = (call: LivePersonCall | undefined): unknown => JSON.parse(call!.body);
const acc = "/api/account/12345678";

/** A consumer with an open conversation, the calls that made it forgotten. */
async function openedConversation(c = client()) {
  const jws = await c.consumerJws("twoway:chat-1");
  const conversationId = await c.openConversation(jws, {});
  lp.calls.length = 0;
  return { c, jws, conversationId };
}

test("the whole chain in order: domains, AppJWT, ConsumerJWS, CONVERSATION, SEND, with raw tokens (no Bearer)", async () => {
  const c = client();
  const jws = await c.consumerJws("twoway:chat-1");
  const conversationId = await c.openConversation(jws, { firstName: "Ana" });
  const sequence = await c.sendText(jws, conversationId, "hi");

  expect(lp.calls.map((call) => `${call.service} ${call.method} ${call.path}`)).toEqual([
    `csds GET ${acc}/service/sentinel/baseURI.json?version=1.0`,
    `sentinel POST /sentinel${acc}/app/token?v=1.0&grant_type=client_credentials`,
    `csds GET ${acc}/service/idp/baseURI.json?version=1.0`,
    `idp POST ${acc}/consumer?v=1.0`,
    `csds GET ${acc}/service/asyncMessagingEnt/baseURI.json?version=1.0`,
    `conversation POST ${acc}/messaging/consumer/conversation?v=3`,
    `send POST ${acc}/messaging/consumer/conversation/send?v=3`,
  ]);
  const [sentinel] = callsTo("sentinel");
  expect(sentinel!.headers["content-type"]).toBe("application/x-www-form-urlencoded");
  expect(Object.fromEntries(new URLSearchParams(sentinel!.body))).toEqual({ client_id: "lp-client-id", client_secret: "lp-client-secret" });

  const appJwt = await c.appJwt();
  expect(appJwt).toMatch(/^[\w-]+\.[\w-]+\.[\w-]+$/);
  const [idp] = callsTo("idp");
  expect(idp!.headers.authorization).toBe(appJwt);
  expect(json(idp)).toEqual({ ext_consumer_id: "twoway:chat-1" });
  for (const call of [...callsTo("conversation"), ...callsTo("send")]) {
    expect(call.headers.authorization).toBe(appJwt);
    expect(call.headers["x-lp-on-behalf"]).toBe(jws);
    expect(call.headers["content-type"]).toBe("application/json");
  }
  expect(lp.conversationsOpened.map((conv) => [conv.conversationId, conv.extConsumerId])).toEqual([[conversationId, "twoway:chat-1"]]);
  expect(sequence).toBe(0);
  expect(lp.messages(conversationId)).toEqual([{ sequence: 0, dialogId: conversationId, event: { type: "ContentEvent", contentType: "text/plain", message: "hi" } }]);
});

test("domains are discovered once per service and AppJWT fetched once, across calls and client instances", async () => {
  const first = client();
  const jws = await first.consumerJws("u1");
  const conversationId = await first.openConversation(jws, {});
  const second = client();
  await second.sendText(jws, conversationId, "one");
  await second.consumerJws("u2");
  await Promise.all([client().sendText(jws, conversationId, "two"), client().sendChatState(jws, conversationId, "ACTIVE")]);

  expect(callsTo("csds").map((call) => call.path.split("/")[5])).toEqual(["sentinel", "idp", "asyncMessagingEnt"]);
  expect(callsTo("sentinel")).toHaveLength(1);
  expect(new Set(lp.calls.filter((call) => call.service !== "csds" && call.service !== "sentinel").map((call) => call.headers.authorization)).size).toBe(1);
});

test("concurrent callers on a cold Lambda share one AppJWT fetch", async () => {
  const tokens = await Promise.all([client().appJwt(), client().appJwt(), client().appJwt()]);
  expect(new Set(tokens).size).toBe(1);
  expect(callsTo("sentinel")).toHaveLength(1);
});

test("the AppJWT is refreshed when less than 60 s of its exp remain", async () => {
  const token = await client().appJwt();
  expect(await client({}, { clock: () => Date.now() + 58 * 60_000 }).appJwt()).toBe(token);
  expect(callsTo("sentinel")).toHaveLength(1);
  expect(await client({}, { clock: () => Date.now() + 59.5 * 60_000 }).appJwt()).not.toBe(token);
  expect(callsTo("sentinel")).toHaveLength(2);
});

test("an expired AppJWT (401 40102) is replaced once and the call succeeds", async () => {
  const { c, jws, conversationId } = await openedConversation();
  const stale = await c.appJwt();
  lp.expireAppJwts();

  expect(await c.sendText(jws, conversationId, "still there?")).toBe(0);
  const sends = callsTo("send");
  expect(sends).toHaveLength(2);
  expect(sends[0]!.headers.authorization).toBe(stale);
  expect(sends[1]!.headers.authorization).not.toBe(stale);
  expect(sends[1]!.headers.authorization).toBe(await c.appJwt());
  expect(callsTo("sentinel")).toHaveLength(1);
  expect(callsTo("csds")).toHaveLength(0);
});

test("an AppJWT still refused after the refresh throws LivePersonAuthError: one refresh, no loop", async () => {
  const { c, jws, conversationId } = await openedConversation();
  lp.failNext("send", 401, 5, 40102);
  const error = await c.sendText(jws, conversationId, "hi").catch((err: unknown) => err);
  expect(error).toBeInstanceOf(LivePersonAuthError);
  expect((error as LivePersonAuthError).errorCode).toBe(40102);
  expect(callsTo("send")).toHaveLength(2);
  expect(callsTo("sentinel")).toHaveLength(1);
});

test("a ConsumerJWS problem (40103 invalid, 40103 not the owner) throws at once without an AppJWT refresh", async () => {
  const { c, conversationId } = await openedConversation();
  const error = await c.sendText("not-a-consumer-jws", conversationId, "hi").catch((err: unknown) => err);
  expect(error).toBeInstanceOf(LivePersonAuthError);
  expect((error as LivePersonAuthError).errorCode).toBe(40103);
  expect(lp.calls.map((call) => call.service)).toEqual(["send"]);

  const stranger = await c.consumerJws("twoway:someone-else");
  await expect(c.closeConversation(stranger, conversationId)).rejects.toMatchObject({ name: "LivePersonAuthError", errorCode: 40103 });
  expect(callsTo("sentinel")).toHaveLength(0);
  expect(lp.conversationsOpened[0]!.state).toBe("OPEN");
});

test("wrong client credentials at sentinel throw LivePersonAuthError after one call", async () => {
  await expect(client({ clientSecret: "wrong" }).consumerJws("u1")).rejects.toBeInstanceOf(LivePersonAuthError);
  expect(callsTo("sentinel")).toHaveLength(1);
  expect(callsTo("idp")).toHaveLength(0);
});

test("503 twice, then success: the call is retried after the configured delays", async () => {
  const { c, jws, conversationId } = await openedConversation();
  lp.failNext("send", 503, 2);
  expect(await c.sendText(jws, conversationId, "hi")).toBe(0);
  expect(callsTo("send")).toHaveLength(3);
  expect(lp.messages(conversationId)).toHaveLength(1);

  lp.failNext("send", 429, 1);
  expect(await c.sendText(jws, conversationId, "again")).toBe(1);
});

test("persistent 503, or no server at all, ends in LivePersonUnavailableError", async () => {
  const { c, jws, conversationId } = await openedConversation();
  lp.failNext("send", 503, 3);
  await expect(c.sendText(jws, conversationId, "hi")).rejects.toBeInstanceOf(LivePersonUnavailableError);
  expect(callsTo("send")).toHaveLength(3);

  const closedPort = lp.url;
  await lp.close();
  resetLivePersonCaches();
  await expect(client({ csdsUrl: closedPort }).appJwt()).rejects.toBeInstanceOf(LivePersonUnavailableError);
  lp = await startLivePersonStandIn();
});

test("another 4xx is a LivePersonRequestError, not retried", async () => {
  lp.failNext("idp", 400, 1);
  const error = await client().consumerJws("u1").catch((err: unknown) => err);
  expect(error).toBeInstanceOf(LivePersonRequestError);
  expect((error as LivePersonRequestError).status).toBe(400);
  expect(callsTo("idp")).toHaveLength(1);
});

test("the CONVERSATION batch is LP's documented shape: profile with names, then the request (skill -1 by default)", async () => {
  const c = client();
  const jws = await c.consumerJws("twoway:chat-1");
  await c.openConversation(jws, { firstName: "Ana", lastName: "Silva" });
  expect(json(callsTo("conversation")[0])).toEqual([
    { kind: "req", id: "1", type: "userprofile.SetUserProfile", body: { authenticatedData: { lp_sdes: [{ type: "personal", personal: { firstname: "Ana", lastname: "Silva" } }] } } },
    { kind: "req", id: "2", type: "cm.ConsumerRequestConversation", body: { brandId: "12345678", channelType: "MESSAGING", ttrDefName: "NORMAL", skillId: "-1" } },
  ]);
});

test("without names the profile body is {}; a configured skill id routes the conversation", async () => {
  const c = client({ skillId: "277" });
  await c.openConversation(await c.consumerJws("u1"), {});
  expect(json(callsTo("conversation")[0])).toEqual([
    { kind: "req", id: "1", type: "userprofile.SetUserProfile", body: {} },
    { kind: "req", id: "2", type: "cm.ConsumerRequestConversation", body: { brandId: "12345678", channelType: "MESSAGING", ttrDefName: "NORMAL", skillId: "277" } },
  ]);
  expect(lp.conversationsOpened[0]!.request).toMatchObject({ skillId: "277" });
});

test("a non-OK code in the CONVERSATION answer (consumer already has an open one) is a LivePersonRequestError", async () => {
  const { c, jws } = await openedConversation();
  const error = await c.openConversation(jws, {}).catch((err: unknown) => err);
  expect(error).toBeInstanceOf(LivePersonRequestError);
  expect((error as LivePersonRequestError).code).toBe("400");
});

test("SEND bodies for text, typing and close are LP's documented shapes, with increasing ids and sequences", async () => {
  const { c, jws, conversationId } = await openedConversation();
  expect(await c.sendText(jws, conversationId, "hello")).toBe(0);
  await c.sendChatState(jws, conversationId, "COMPOSING");
  await c.sendChatState(jws, conversationId, "ACTIVE");
  expect(await c.sendText(jws, conversationId, "second")).toBe(1);
  await c.closeConversation(jws, conversationId);

  expect(callsTo("send").map(json)).toEqual([
    { kind: "req", id: "3", type: "ms.PublishEvent", body: { dialogId: conversationId, event: { type: "ContentEvent", contentType: "text/plain", message: "hello" } } },
    { kind: "req", id: "4", type: "ms.PublishEvent", body: { dialogId: conversationId, event: { type: "ChatStateEvent", chatState: "COMPOSING" } } },
    { kind: "req", id: "5", type: "ms.PublishEvent", body: { dialogId: conversationId, event: { type: "ChatStateEvent", chatState: "ACTIVE" } } },
    { kind: "req", id: "6", type: "ms.PublishEvent", body: { dialogId: conversationId, event: { type: "ContentEvent", contentType: "text/plain", message: "second" } } },
    {
      kind: "req",
      id: "7",
      type: "cm.UpdateConversationField",
      body: { conversationId, conversationField: { field: "ConversationStateField", conversationState: "CLOSE" } },
    },
  ]);
  expect(lp.messages(conversationId).map((m) => m.sequence)).toEqual([0, 1]);
  expect(lp.conversationsOpened[0]).toMatchObject({ state: "CLOSE", chatState: "ACTIVE" });
  await expect(c.sendText(jws, conversationId, "too late")).rejects.toMatchObject({ name: "LivePersonRequestError", code: "400" });
});

test("an answer to a post-conversation survey is SENT into the POST_SURVEY dialog, naming its conversation", async () => {
  const { c, jws, conversationId } = await openedConversation();
  const surveyDialogId = lp.closeByAgent(conversationId, { survey: true })!;
  expect(await c.sendText(jws, conversationId, "5", surveyDialogId)).toBe(0);
  expect(callsTo("send").map(json)).toEqual([
    { kind: "req", id: "3", type: "ms.PublishEvent", body: { dialogId: surveyDialogId, conversationId, event: { type: "ContentEvent", contentType: "text/plain", message: "5" } } },
  ]);
  expect(lp.messages(conversationId)).toEqual([{ sequence: 0, dialogId: surveyDialogId, event: { type: "ContentEvent", contentType: "text/plain", message: "5" } }]);
  // The MAIN dialog is closed: LP refuses a message into it.
  await expect(c.sendText(jws, conversationId, "hello?")).rejects.toMatchObject({ name: "LivePersonRequestError", code: "400" });
});
