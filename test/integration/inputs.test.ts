import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { handler as bmDebug } from "../../functions/bm-debug";
import { handler as bmWebhook } from "../../functions/bm-webhook";
import { handler as engageApi } from "../../functions/engage-api";
import { handler as kommunicateWebhook } from "../../functions/kommunicate-webhook";
import { handler as livepersonWebhook } from "../../functions/liveperson-webhook";
import { handler as twowayEvents } from "../../functions/twoway-events";
import { handler as twowayHandover } from "../../functions/twoway-handover";
import { handler as twowayMessages } from "../../functions/twoway-messages";
import { localSecrets } from "../support/local-secrets";
import type { LocalJobQueue } from "../../lib/jobs/local-queue";
import { signBmBody } from "../../lib/platforms/business-messenger/verify";
import { signLivePersonBody } from "../../lib/platforms/liveperson/verify";
import { useRuntime, type Runtime } from "../../lib/runtime";
import { bmTextRequest } from "../platforms/business-messenger/fixtures";
import { kmTextRequest } from "../platforms/kommunicate/fixtures";
import { twDelivery, twEventsBody, twHandoverBody } from "../platforms/twoway/fixtures";
import { snapshotTables } from "../property/support";
import { useHarness } from "../support/harness";
import { bankBot } from "../../bot";

/**
 * What any caller may send, on every endpoint: ids that would make a DynamoDB key too long (bounded in UTF-8
 * bytes, since DynamoDB counts bytes) and JSON bodies that are not objects. Each gets a 400 and stores nothing.
 */
const LP = { LP_CLIENT_ID: "lp-client", LP_CLIENT_SECRET: "lp-secret", LP_ACCOUNT_ID: "" };
const h = useHarness({
  "POST /bm/webhook": bmWebhook as never,
  "POST /bm/debug": bmDebug as never,
  "POST /engage/{action}": engageApi as never,
  "POST /kommunicate/webhook": kommunicateWebhook as never,
  "POST /twoway/messages": twowayMessages as never,
  "POST /twoway/handover": twowayHandover as never,
  "POST /twoway/events": twowayEvents as never,
  "POST /liveperson/webhook": livepersonWebhook as never,
});
let rt: Runtime;
beforeEach(() => {
  // The example bank: its Engage actions (transfer) are what the Engage cases call.
  rt = h.store.runtime({ userBot: bankBot, env: LP });
  useRuntime(rt);
});

/** The headers that authenticate `raw` on each endpoint. */
function credentials(path: string, raw: string): Record<string, string> {
  if (path.startsWith("/bm/")) return { "x-bm-signature": signBmBody(raw, localSecrets.BM_SIGNATURE_KEY) };
  if (path.startsWith("/engage/")) return { authorization: `Bearer ${localSecrets.ENGAGE_API_TOKEN}` };
  if (path.startsWith("/kommunicate/")) return { "x-webhook-secret": localSecrets.KOMMUNICATE_WEBHOOK_SECRET };
  if (path.startsWith("/twoway/")) return { "x-webhook-secret": localSecrets.TWOWAY_WEBHOOK_SECRET };
  return { "x-liveperson-signature": signLivePersonBody(raw, LP.LP_CLIENT_SECRET), "x-liveperson-client-id": LP.LP_CLIENT_ID };
}

async function post(path: string, body: unknown) {
  const raw = typeof body === "string" ? body : JSON.stringify(body);
  const res = await fetch(`${h.api.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...credentials(path, raw) }, body: raw });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : undefined) as any };
}

/** The request is refused with a 400 naming `field`, and neither table changed (the job queue drained too). */
async function expectRefused(path: string, body: unknown, field: string): Promise<void> {
  const before = await snapshotTables(h.store, rt);
  const res = await post(path, body);
  await (rt.jobs as LocalJobQueue | undefined)?.drain();
  expect({ status: res.status, issues: res.json?.issues }).toEqual({
    status: 400,
    issues: expect.arrayContaining([{ path: field, message: "must be at most 512 bytes (UTF-8)" }]),
  });
  expect(await snapshotTables(h.store, rt)).toBe(before);
}

/** 512 characters but 2048 bytes: a key of it with any prefix is over DynamoDB's 2048-byte limit. */
const EMOJI_512 = "😀".repeat(512);
/** Exactly 512 bytes of multi-byte text: still accepted. */
const BYTES_512 = "é".repeat(256);

describe("ids that become part of a key are bounded in UTF-8 bytes", () => {
  test("Business Messenger: dialogUuid, contact.uuid and message.from", async () => {
    await expectRefused("/bm/webhook", bmTextRequest("hi", { dialogUuid: EMOJI_512 }), "dialogUuid");
    const contact = bmTextRequest("hi", { dialogUuid: "long-contact" });
    await expectRefused("/bm/webhook", { ...contact, contact: { ...contact.contact, uuid: EMOJI_512 } }, "contact.uuid");
    const from = bmTextRequest("hi", { dialogUuid: "long-from" });
    await expectRefused("/bm/webhook", { ...from, contact: null, message: { ...from.message, from: EMOJI_512 } }, "message.from");
    const ok = await post("/bm/webhook", bmTextRequest("hi", { dialogUuid: BYTES_512 }));
    expect(ok.status).toBe(200);
  });

  test("Kommunicate: groupId, key and from", async () => {
    await expectRefused("/kommunicate/webhook", kmTextRequest("hi", { groupId: EMOJI_512 }), "groupId");
    await expectRefused("/kommunicate/webhook", kmTextRequest("hi", { key: EMOJI_512 }), "key");
    await expectRefused("/kommunicate/webhook", { ...kmTextRequest("hi", { groupId: "long-from" }), from: EMOJI_512 }, "from");
  });

  test("TwoWay messages: chat.id and chat.conversationClientId", async () => {
    await expectRefused("/twoway/messages", twDelivery({ chatId: EMOJI_512 }), "chat.id");
    const delivery = twDelivery({ chatId: "long-client" });
    await expectRefused("/twoway/messages", { ...delivery, chat: { ...delivery.chat, conversationClientId: EMOJI_512 } }, "chat.conversationClientId");
  });

  test("TwoWay handover: chatId (a 3000-character id used to fail in the store on every redelivery)", async () => {
    await expectRefused("/twoway/handover", twHandoverBody(undefined, { chatId: "x".repeat(3000) }), "chatId");
    await expectRefused("/twoway/handover", twHandoverBody(undefined, { chatId: EMOJI_512 }), "chatId");
  });

  test("TwoWay events: the chat id (from chat.id or chatId) and the event id", async () => {
    await expectRefused("/twoway/events", { ...twEventsBody(), chat: { id: "x".repeat(3000) } }, "chat.id");
    await expectRefused("/twoway/events", { $type: "RouterSessionEnded", chatId: EMOJI_512 }, "chatId");
    // The event id is remembered in the session: bounded the same way.
    await expectRefused("/twoway/events", twEventsBody("RouterSessionEnded", { id: EMOJI_512 }), "conversationEvents.0.id");
  });

  test("Engage: the conversation key, userId and requestId", async () => {
    const transfer = { amount: 5, destination: "Elon Musk", accountType: "savings_account", transactionSuccess: "ok", transactionNoMoney: "no" };
    await expectRefused("/engage/transfer", { ...transfer, sessionId: EMOJI_512 }, "sessionId");
    await expectRefused("/engage/transfer", { ...transfer, sessionId: "s-long-user", userId: EMOJI_512 }, "userId");
    await expectRefused("/engage/transfer", { ...transfer, sessionId: "s-long-request", requestId: EMOJI_512 }, "requestId");
  });

  test("LivePerson: a message's dialogId and conversationId, a conversation change's convId and dialog ids", async () => {
    const message = (change: Record<string, unknown>) => ({
      kind: "notification",
      type: "ms.MessagingEventNotification",
      body: { changes: [{ sequence: 1, originatorMetadata: { id: "a1", role: "ASSIGNED_AGENT" }, dialogId: "d1", conversationId: "d1", event: { type: "ContentEvent", contentType: "text/plain", message: "hi" }, ...change }] },
    });
    await expectRefused("/liveperson/webhook", message({ dialogId: EMOJI_512 }), "body.changes.0.dialogId");
    await expectRefused("/liveperson/webhook", message({ conversationId: EMOJI_512 }), "body.changes.0.conversationId");
    const conversation = (convId: string, dialogId = "d1") => ({
      kind: "notification",
      type: "cqm.ExConversationChangeNotification",
      body: { changes: [{ type: "UPSERT", result: { convId, conversationDetails: { state: "CLOSE", stage: "OPEN", dialogs: [{ dialogId, dialogType: "POST_SURVEY", state: "OPEN" }] } } }] },
    });
    await expectRefused("/liveperson/webhook", conversation(EMOJI_512), "body.changes.0.result.convId");
    await expectRefused("/liveperson/webhook", conversation("c1", EMOJI_512), "body.changes.0.result.conversationDetails.dialogs.0.dialogId");
  });
});

const ENDPOINTS = ["/bm/webhook", "/bm/debug", "/engage/transfer", "/kommunicate/webhook", "/twoway/messages", "/twoway/handover", "/twoway/events", "/liveperson/webhook"];
const NOT_OBJECTS = ["0", "1", "null", "false", "true", '""', '"x"', "[]", "[{}]", '[{"type":"ms.MessagingEventNotification"}]'];

describe("a JSON body that is not an object", () => {
  test.each(ENDPOINTS)("gets a 400 with an error on %s and stores nothing", async (path) => {
    const before = await snapshotTables(h.store, rt);
    for (const raw of NOT_OBJECTS) {
      const res = await post(path, raw);
      expect({ raw, status: res.status, error: typeof res.json?.error }).toEqual({ raw, status: 400, error: "string" });
    }
    expect(await snapshotTables(h.store, rt)).toBe(before);
  });

  /** serverless-offline hands the handler the parsed JSON as `event.body` when it is falsy and not a string. */
  test.each(ENDPOINTS)("that reaches the handler as a non-string event.body gets a 400 on %s, not a 500", async (path) => {
    const handlers: Record<string, (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyStructuredResultV2>> = {
      "/bm/webhook": bmWebhook as never,
      "/bm/debug": bmDebug as never,
      "/engage/transfer": engageApi as never,
      "/kommunicate/webhook": kommunicateWebhook as never,
      "/twoway/messages": twowayMessages as never,
      "/twoway/handover": twowayHandover as never,
      "/twoway/events": twowayEvents as never,
      "/liveperson/webhook": livepersonWebhook as never,
    };
    for (const body of [0, false, 1, true]) {
      const event = {
        version: "2.0",
        routeKey: `POST ${path}`,
        rawPath: path,
        rawQueryString: "",
        headers: { "content-type": "application/json", ...credentials(path, JSON.stringify(body)) },
        pathParameters: path.startsWith("/engage/") ? { action: "transfer" } : undefined,
        requestContext: { http: { method: "POST", path }, requestId: "offline" },
        body,
        isBase64Encoded: false,
      } as unknown as APIGatewayProxyEventV2;
      const res = await handlers[path]!(event, {} as Context);
      expect({ body, status: res.statusCode, error: typeof JSON.parse(res.body ?? "{}").error }).toEqual({ body, status: 400, error: "string" });
    }
  });
});

describe("a body that starts with a UTF-8 byte-order mark", () => {
  const BOM = "\uFEFF";
  test("is accepted (the signature still covers the bytes as received)", async () => {
    expect((await post("/bm/webhook", BOM + JSON.stringify(bmTextRequest("hi", { dialogUuid: "bom-1" })))).status).toBe(200);
    expect((await post("/kommunicate/webhook", BOM + JSON.stringify(kmTextRequest("hi", { groupId: "bom-2" })))).status).toBe(200);
    expect((await post("/twoway/messages", BOM + JSON.stringify(twDelivery({ chatId: "bom-3" })))).status).toBe(201);
    expect((await post("/twoway/handover", BOM + twHandoverBody(undefined, { chatId: "bom-4" }))).status).toBe(200);
    expect((await post("/twoway/events", BOM + JSON.stringify(twEventsBody()))).status).toBe(200);
    expect((await post("/liveperson/webhook", BOM + JSON.stringify({ kind: "notification", type: "other.Notification", body: { changes: [] } }))).status).toBe(200);
    const engage = await post("/engage/transfer", BOM + JSON.stringify({ amount: 5, destination: "Elon Musk", accountType: "savings_account", transactionSuccess: "ok", transactionNoMoney: "no" }));
    expect(engage.status).toBe(200);
    await (rt.jobs as LocalJobQueue | undefined)?.drain();
  });
});
