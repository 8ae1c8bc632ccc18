import fc from "fast-check";
import { handler as twowayEvents } from "../../functions/twoway-events";
import { handler as twowayHandover } from "../../functions/twoway-handover";
import { handler as twowayMessages } from "../../functions/twoway-messages";
import { localSecrets } from "../support/local-secrets";
import { parseHandoverBody } from "../../lib/platforms/twoway/handover-body";
import { useRuntime, type Runtime } from "../../lib/runtime";
import {
  twDelivery,
  twEchoDelivery,
  twEventsBody,
  twEventTypeBody,
  twHandoverBody,
  twHandoverEmptyContextBody,
  twHandoverWrappedBody,
  twMixedDelivery,
  twMultiDelivery,
  twTypeBody,
} from "../platforms/twoway/fixtures";
import { useHarness } from "../support/harness";
import { startRecordingServer, type RecordingServer } from "../support/recording-server";
import {
  anyBody,
  asPayload,
  brokenBody,
  contentType,
  deepJson,
  forgedSecret,
  isOversized,
  nonObjectJson,
  pollutionPayload,
  rawPayload,
  REMOVE,
  setAt,
  text,
  type Json,
  type Payload,
} from "./arbitraries";
import { drain, expectContract, expectNoPollution, expectNoStateChange, expectStatus, issuePaths, RUNS, send } from "./support";
import { processedIds } from "../support/processed-ids";

/**
 * CM.com TwoWay (POST /twoway/messages, /twoway/handover, /twoway/events) under fast-check, with the turns
 * run as in-process jobs (drained) and replies POSTed to a local stand-in for CM's outbound endpoint.
 */
jest.setTimeout(60_000);
const h = useHarness({
  "POST /twoway/messages": twowayMessages as never,
  "POST /twoway/handover": twowayHandover as never,
  "POST /twoway/events": twowayEvents as never,
});
let cm: RecordingServer;
let rt: Runtime;
beforeAll(async () => {
  cm = await startRecordingServer((_req, res) => {
    res.writeHead(201, { "content-type": "application/json" }).end(JSON.stringify({ message: "Message(s) accepted" }));
  });
  rt = h.store.runtime({ env: { TWOWAY_OUTBOUND_URL: `${cm.url}/v2/accounts/tl-1/adapters/ad-1`, TWOWAY_RETRY_DELAYS_MS: "5,5" } });
  useRuntime(rt);
});
afterAll(async () => {
  await drain(rt);
  await cm.close();
  expectNoPollution();
});

const SECRET = localSecrets.TWOWAY_WEBHOOK_SECRET;
const ENDPOINTS = ["/twoway/messages", "/twoway/handover", "/twoway/events"] as const;
type Endpoint = (typeof ENDPOINTS)[number];
const SUCCESS: Record<Endpoint, number> = { "/twoway/messages": 201, "/twoway/handover": 200, "/twoway/events": 200 };
const post = (path: string, body: Payload, headers: Record<string, string>, query = "") => send(`${h.api.url}${path}${query}`, { headers, body: body.raw });
const authenticated = (type: Record<string, string> = { "content-type": "application/json" }) => ({ ...type, "x-webhook-secret": SECRET });
const deadLetters = async () => (await rt.events.list("jobs#dead-letter", 1000)).length;

const chatId = fc.uuid().map((id) => `tw-${id}`);
const messages: fc.Arbitrary<Json> = fc
  .tuple(chatId, fc.uuid(), fc.constantFrom("delivery", "multi", "mixed", "echo"))
  .map(([id, messageId, kind]) =>
    (kind === "delivery"
      ? twDelivery({ chatId: id, messageId })
      : kind === "multi"
        ? twMultiDelivery(["hi", "Balance"], { chatId: id })
        : kind === "mixed"
          ? { ...twMixedDelivery(), chat: { ...twMixedDelivery().chat, id } }
          : { ...twEchoDelivery(), chat: { ...twEchoDelivery().chat, id } }) as unknown as Json,
  );
const handover: fc.Arbitrary<Json> = fc
  .tuple(chatId, fc.constantFrom("bot", "human", "agent"), fc.boolean())
  .map(([id, owner, wrapped]) => JSON.parse((wrapped ? twHandoverWrappedBody : twHandoverBody)({ owner, reason: "r" }, { chatId: id })) as Json);
const events: fc.Arbitrary<Json> = fc
  .tuple(chatId, fc.constantFrom("RouterSessionEnded", "SessionStarted", "Something"), fc.constantFrom("events", "eventType", "type"))
  .map(([id, type, shape]) => {
    const body = shape === "events" ? twEventsBody(type) : shape === "eventType" ? twEventTypeBody(type) : twTypeBody(type);
    return (shape === "events" ? { ...body, chat: { ...(body.chat as object), id } } : { ...body, chatId: id }) as Json;
  });
const FIXTURES: Record<Endpoint, fc.Arbitrary<Json>> = { "/twoway/messages": messages, "/twoway/handover": handover, "/twoway/events": events };

type Forged = { note: string; headers: Record<string, string>; query?: string };
const forgedCredential: fc.Arbitrary<Forged> = fc.oneof(
  fc.constant({ note: "no secret", headers: {} }),
  forgedSecret(SECRET).map((v) => ({ note: "wrong header", headers: { "x-webhook-secret": v } })),
  forgedSecret(SECRET).map((v) => ({ note: "wrong query", headers: {}, query: `?secret=${encodeURIComponent(v)}` })),
  forgedSecret(SECRET).map((v) => ({ note: "wrong header wins over right query", headers: { "x-webhook-secret": v }, query: `?secret=${SECRET}` })),
  fc.constantFrom<Forged>(
    { note: "other header name", headers: { "x-webhook-secrets": SECRET } },
    { note: "as bearer token", headers: { authorization: `Bearer ${SECRET}` } },
    { note: "other query name", headers: {}, query: `?token=${SECRET}` },
    { note: "Kommunicate's secret", headers: { "x-webhook-secret": localSecrets.KOMMUNICATE_WEBHOOK_SECRET } },
    { note: "empty query", headers: {}, query: "?secret=" },
  ),
);

test("a missing or wrong secret gets 401 (413 over 1 MB) on all three endpoints; nothing is stored, queued or sent", async () => {
  const request = fc.constantFrom(...ENDPOINTS).chain((path) => fc.record({ path: fc.constant(path), body: anyBody(FIXTURES[path], { depths: [3, 3000] }), type: contentType, forged: forgedCredential }));
  await fc.assert(
    fc.asyncProperty(fc.array(request, { minLength: 1, maxLength: 4 }), async (batch) => {
      const sent = cm.requests.length;
      await expectNoStateChange(
        h.store,
        rt,
        batch.map(({ path, body, type, forged }) => async () => {
          const res = await post(path, body, { ...type, ...forged.headers }, forged.query);
          expectStatus(res, isOversized(body) ? [413] : [401], `${path} ${forged.note}`);
        }),
      );
      expect(cm.requests.length).toBe(sent);
    }),
    { numRuns: RUNS.unauthenticated },
  );
});

type Broken = Json | typeof REMOVE;
/** Message deliveries the schema refuses, and the path its 400 names. */
const DELIVERY_BREAKS: Array<{ path: Array<string | number>; values: Broken[]; issue: string }> = [
  { path: ["chat"], values: [REMOVE, "x", [], null, 5], issue: "chat" },
  { path: ["chat", "id"], values: [REMOVE, "", true, [], {}, null], issue: "chat.id" },
  { path: ["chat", "accountId"], values: [REMOVE, true, [], {}], issue: "chat.accountId" },
  { path: ["chat", "channel"], values: [REMOVE, {}, false], issue: "chat.channel" },
  { path: ["chat", "conversationClientId"], values: [REMOVE, false, ["x"]], issue: "chat.conversationClientId" },
  { path: ["chat", "conversationHostId"], values: [REMOVE, {}], issue: "chat.conversationHostId" },
  { path: ["conversationMessages"], values: ["x", 5, {}, true], issue: "conversationMessages" },
  { path: ["conversationMessages", 0, "$type"], values: [REMOVE, 5, null, []], issue: "conversationMessages.0.$type" },
  { path: ["conversationEvents"], values: ["x", 5, {}], issue: "conversationEvents" },
];

test("authenticated but malformed requests get 400 naming the problem; nothing is stored, queued or sent", async () => {
  const deliveryBreak = fc.tuple(fc.constantFrom(...DELIVERY_BREAKS), chatId, fc.option(pollutionPayload)).chain(([brk, id, extra]) =>
    fc.constantFrom(...brk.values).map((value) => {
      let body = setAt(twDelivery({ chatId: id }) as unknown as Json, brk.path, value);
      if (extra) body = setAt(body, ["__proto__"], extra);
      const note = `${brk.path.join(".")} := ${value === REMOVE ? "(removed)" : JSON.stringify(value)}`;
      return { path: "/twoway/messages" as Endpoint, body: asPayload(body, note), issue: brk.issue as string | undefined };
    }),
  );
  // Handover bodies are repaired where the template left a value empty: only what the repair cannot save is invalid.
  const handoverBreak = fc.oneof(
    brokenBody(handover).filter((p) => !parseHandoverBody(Buffer.from(p.raw).toString("utf8")).ok).map((body) => ({ body, issue: undefined })),
    nonObjectJson.map((body) => ({ body, issue: "body" })),
    fc.tuple(handover, fc.constantFrom<Broken>(REMOVE, "", "  ", null, [], {}, true)).map(([f, value]) => ({ body: asPayload(setAt(f, ["chatId"], value), `chatId := ${String(value === REMOVE ? "(removed)" : JSON.stringify(value))}`), issue: "chatId" })),
  ).map((r) => ({ path: "/twoway/handover" as Endpoint, ...r }));
  // Any JSON value is a router event worth recording: only bodies that are not JSON are invalid.
  const eventsBreak = brokenBody(events).map((body) => ({ path: "/twoway/events" as Endpoint, body, issue: undefined }));
  const nonObjectDelivery = nonObjectJson.map((body) => ({ path: "/twoway/messages" as Endpoint, body, issue: "(root)" }));
  const request = fc.tuple(fc.oneof(deliveryBreak, handoverBreak, eventsBreak, nonObjectDelivery, brokenBody(messages).map((body) => ({ path: "/twoway/messages" as Endpoint, body, issue: undefined }))), contentType);
  await fc.assert(
    fc.asyncProperty(fc.array(request, { minLength: 1, maxLength: 4 }), async (batch) => {
      const sent = cm.requests.length;
      await expectNoStateChange(
        h.store,
        rt,
        batch.map(([{ path, body, issue }, type]) => async () => {
          const res = await post(path, body, authenticated(type));
          expectStatus(res, [400], `${path} ${String(body)}`);
          if (issue !== undefined && !issuePaths(res).some((p) => p === issue || p.startsWith(`${issue}.`))) throw new Error(`400 does not name ${issue}: ${res.text}`);
        }),
      );
      expect(cm.requests.length).toBe(sent);
    }),
    { numRuns: RUNS.invalid },
  );
});

test("no authenticated body, however mutated, gets a 5xx or a non-JSON error, and no accepted message ends in the dead-letter record", async () => {
  // Events and handover contexts are stored as JSON text: any key, any number; deeper than 64 levels → 400.
  const request = fc.constantFrom(...ENDPOINTS).chain((path) =>
    fc.record({
      path: fc.constant(path),
      body: path === "/twoway/messages" ? anyBody(messages, { depths: [2, 300, 5000] }) : anyBody(FIXTURES[path], { depths: [2, 40, 300, 5000] }),
      type: contentType,
    }),
  );
  await fc.assert(
    fc.asyncProperty(request, async ({ path, body, type }) => {
      const dead = await deadLetters();
      const res = await post(path, body, authenticated(type));
      expectNoPollution();
      expectStatus(res, isOversized(body) ? [413] : [SUCCESS[path], 400], `${path} ${String(body)}`);
      if (res.status < 300) expect(res.text).toBe("");
      await drain(rt);
      expectNoPollution();
      expect(await deadLetters()).toBe(dead);
    }),
    { numRuns: RUNS.mutated },
  );
});

test("valid messages are answered at CM's outbound URL; handovers and router events are recorded", async () => {
  const userText = fc.oneof(fc.constantFrom("hi", "Balance", "1", "transfer"), text.filter((t) => t.trim() !== "" && !/agent/i.test(t)));
  await fc.assert(
    fc.asyncProperty(chatId, fc.uuid(), userText, fc.constantFrom("human", "bot"), async (id, messageId, said, owner) => {
      const sent = cm.requests.length;
      const res = await post("/twoway/messages", asPayload(twDelivery({ chatId: id, messageId, text: said }) as unknown as Json), authenticated());
      expectStatus(res, [201]);
      await drain(rt);
      const replies = cm.requests.slice(sent).map((r) => JSON.parse(r.body));
      expect(replies.length).toBeGreaterThan(0);
      expect(replies.every((r) => r.chat.id === id && r.conversationMessages.every((m: { direction: string }) => m.direction === "ClientTerminated"))).toBe(true);
      const session = await rt.sessions.load("twoway", id, Date.now());
      expect(processedIds(session!.processed, [messageId])).toContain(messageId);

      const handed = await post("/twoway/handover", rawPayload(twHandoverBody({ owner }, { chatId: id }), "handover"), authenticated());
      expectStatus(handed, [200]);
      expect((await rt.sessions.load("twoway", id, Date.now()))!.handover.status).toBe(owner);
      expect((await rt.events.list(`conv#twoway#${id}`)).map((e) => e.type)).toContain("twoway.handover");

      const ended = await post("/twoway/events", asPayload({ chat: { id }, conversationEvents: [{ $type: "RouterSessionEnded", id: `end-${messageId}` }] }), authenticated());
      expectStatus(ended, [200]);
      const after = await rt.sessions.load("twoway", id, Date.now());
      expect(after!.handover).toEqual({ status: "bot" });
      expect(after!.state).toBeUndefined();
      expect((await rt.events.list(`conv#twoway#${id}`)).map((e) => e.type)).toContain("twoway.event.RouterSessionEnded");
    }),
    { numRuns: RUNS.valid },
  );
  // The empty-$context template body the router really sends is repaired, not refused.
  expectStatus(await post("/twoway/handover", rawPayload(twHandoverEmptyContextBody({ chatId: "tw-empty-context" }), "empty $context"), authenticated()), [200]);
});

describe("regressions: bugs the properties found, now fixed", () => {
  // Was a bug (fixed): router events are stored as they come (data.body): a body nested 5000 levels deep overflows the
  // DynamoDB marshaller → 503 "session store unavailable (write event)"; so do the keys "__proto__" and
  // "constructor" (the marshaller cannot store them), a number like 1e300, and a 900 KB body (over the 400 KB
  // item limit). The router retries a 503 forever; these deserve a 4xx (or storing a bounded summary).
  test.each([
    ["5000 levels of nesting", `{"chatId":"c-deep","type":"X","d":${deepJson(5000)}}`],
    ["a __proto__ key", '{"chatId":"c-proto","type":"X","__proto__":{"a":1}}'],
    ["a constructor key", '{"chatId":"c-ctor","type":"X","data":{"constructor":{"name":"y"}}}'],
    ["the number 1e300", '{"chatId":"c-num","type":"X","n":1e300}'],
    ["a 900 KB field", JSON.stringify({ chatId: "c-big", type: "X", pad: "y".repeat(900_000) })],
  ])("POST /twoway/events with %s gets 200 or a 4xx, not a 5xx", async (_what, raw) => {
    expectContract(await post("/twoway/events", rawPayload(raw, "event"), authenticated()));
  });

  // Was a bug (fixed): the handover's context is stored in its event: nested 5000 levels deep, canonicalJson's recursive
  // sortKeys overflows → 500 "internal error"; a 900 KB context → 503 "(write event)" *after* the session was
  // updated (so a retry finds it processed and the event is never recorded); "__proto__"/"constructor" keys
  // in the context → 503 as for events.
  test.each([
    ["5000 levels of nesting", `{"chatId":"h-deep","context":{"d":${deepJson(5000, "object")}}}`],
    ["a 900 KB field", JSON.stringify({ chatId: "h-big", context: { owner: "human", pad: "y".repeat(900_000) } })],
    ["a constructor key", '{"chatId":"h-ctor","context":{"owner":"human","constructor":{"name":"y"}}}'],
  ])("POST /twoway/handover with a context of %s gets 200 or a 4xx, not a 5xx", async (_what, raw) => {
    expectContract(await post("/twoway/handover", rawPayload(raw, "handover"), authenticated()));
  });

  // Was a bug (fixed): a chat id over DynamoDB's 2048-byte key limit is accepted (201, queued), then every try of the turn job
  // fails reading the session ("session store unavailable (read session)") and the message ends in the
  // dead-letter record: it should be refused with a 400 up front.
  test("POST /twoway/messages with a 3000-character chat id gets a 4xx, or is answered without a dead letter", async () => {
    const dead = await deadLetters();
    const res = await post("/twoway/messages", asPayload(twDelivery({ chatId: "c".repeat(3000), messageId: "long-chat-id" }) as unknown as Json), authenticated());
    expectContract(res);
    await drain(rt);
    if (res.status === 201) expect(await deadLetters()).toBe(dead);
  });
});
