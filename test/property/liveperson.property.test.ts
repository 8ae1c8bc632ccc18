import { seedLivePersonHandover } from "../support/liveperson-handover";
import fc from "fast-check";
import { handler as livepersonWebhook } from "../../functions/liveperson-webhook";
import { signLivePersonBody } from "../../lib/platforms/liveperson/verify";
import { useRuntime, type Runtime } from "../../lib/runtime";
import { conversationNotification, hostedFileEvent, mainDialog, messagingNotification, surveyDialog, textEvent } from "../platforms/liveperson/fixtures";
import { useHarness } from "../support/harness";
import { anyBody, asPayload, brokenBody, contentType, deepJson, forgedSecret, rawPayload, isOversized, nonObjectJson, pollutionPayload, REMOVE, setAt, text, type Json, type Payload } from "./arbitraries";
import { bytesOf, drain, expectNoPollution, expectNoStateChange, expectStatus, issuePaths, RUNS, send } from "./support";

/**
 * LivePerson's Connector API webhook (POST /liveperson/webhook) under fast-check: a forged signature, client id
 * or account id never gets in, malformed notifications get a JSON 400, unhandled ones are acknowledged, and
 * nothing changes unless a signed, valid notification names a conversation we handed over.
 */
jest.setTimeout(60_000);
const h = useHarness({ "POST /liveperson/webhook": livepersonWebhook as never });
const ACCOUNT = "12345678";
const CLIENT_ID = "lp-client";
const CLIENT_SECRET = "lp-secret";
let rt: Runtime;
beforeAll(() => {
  // LP_CSDS_URL points at the discard port: nothing here may call LivePerson.
  rt = h.store.runtime({ env: { LP_ACCOUNT_ID: ACCOUNT, LP_CLIENT_ID: CLIENT_ID, LP_CLIENT_SECRET: CLIENT_SECRET, LP_CSDS_URL: "http://127.0.0.1:9" } });
  useRuntime(rt);
});
afterAll(async () => {
  await drain(rt);
  expectNoPollution();
});

const deadLetters = async () => (await rt.events.list("jobs#dead-letter", 1000)).length;
const rightHeaders = (raw: Buffer) => ({ "x-liveperson-signature": signLivePersonBody(raw, CLIENT_SECRET), "x-liveperson-client-id": CLIENT_ID, "x-liveperson-account-id": ACCOUNT });
const post = (body: Payload, headers: Record<string, string>) => send(`${h.api.url}/liveperson/webhook`, { headers, body: body.raw });
const signed = (body: Payload, type: Record<string, string> = { "content-type": "application/json" }) => ({ ...type, ...rightHeaders(bytesOf(body.raw)) });

/** A conversation handed over to LivePerson from a Business Messenger chat (indexed, with its human link). */
const seedHandover = (lpConversationId: string, conversationId: string) => seedLivePersonHandover(rt, lpConversationId, conversationId, Date.now());

const agentSays = (dialogId: string, sequence: number, message: Json, role = "ASSIGNED_AGENT"): Json => ({
  kind: "notification",
  type: "ms.MessagingEventNotification",
  body: { changes: [{ sequence, originatorId: `${ACCOUNT}.42`, originatorMetadata: { id: `${ACCOUNT}.42`, role }, serverTimestamp: 1_763_726_400_000, dialogId, conversationId: dialogId, event: { type: "ContentEvent", contentType: "text/plain", message } }] },
});
const richContent = (dialogId: string, sequence: number): Json => ({
  kind: "notification",
  type: "ms.MessagingEventNotification",
  body: { changes: [{ sequence, originatorMetadata: { role: "ASSIGNED_AGENT" }, dialogId, event: { type: "RichContentEvent", content: { type: "vertical", elements: [{ type: "text", text: "Pick one" }, { type: "button", title: "Yes", click: { actions: [{ type: "publishText", text: "yes" }] } }] } } }] },
});
const conversationChange = (convId: string, state: string, ts: number): Json => ({
  kind: "notification",
  type: "cqm.ExConversationChangeNotification",
  body: { changes: [{ type: "UPSERT", result: { convId, conversationDetails: { brandId: ACCOUNT, state, metaDataLastUpdateTs: ts, participants: [{ id: "c", role: "CONSUMER" }, { id: `${ACCOUNT}.42`, role: "ASSIGNED_AGENT" }] } } }] },
});
const surveySays = (convId: string, sequence: number, message: string): Json =>
  messagingNotification({ dialogId: `survey-${convId}`, conversationId: convId, sequence, role: "AGENT", originatorId: "survey-bot" }, textEvent(message)) as Json;
const surveyChange = (convId: string, stage: "OPEN" | "CLOSE", survey: "OPEN" | "CLOSE", ts: number): Json =>
  conversationNotification(convId, { state: "CLOSE", stage, ts, dialogs: [mainDialog(convId, "CLOSE"), surveyDialog(`survey-${convId}`, survey)], roles: [] }) as Json;
const dialog = fc.uuid().map((id) => `lp-${id}`);
const fixture: fc.Arbitrary<Json> = fc.oneof(
  fc.tuple(dialog, fc.nat({ max: 50 }), fc.constantFrom("Hi, I'm Dana.", "How can I help?"), fc.constantFrom("ASSIGNED_AGENT", "AGENT", "MANAGER", "CONSUMER", "CONTROLLER")).map(([d, s, m, r]) => agentSays(d, s, m, r)),
  fc.tuple(dialog, fc.nat({ max: 50 })).map(([d, s]) => richContent(d, s)),
  fc.tuple(dialog, fc.nat({ max: 50 }), fc.constantFrom("Your statement", "")).map(([d, s, caption]) => messagingNotification({ dialogId: d, sequence: s }, hostedFileEvent(caption)) as Json),
  fc.tuple(dialog, fc.constantFrom("OPEN", "CLOSE"), fc.nat()).map(([d, st, ts]) => conversationChange(d, st, ts)),
  fc.tuple(dialog, fc.nat({ max: 50 })).map(([d, s]) => surveySays(d, s, "How would you rate the service?")),
  fc.tuple(dialog, fc.constantFrom("OPEN" as const, "CLOSE" as const), fc.constantFrom("OPEN" as const, "CLOSE" as const), fc.nat()).map(([d, stage, survey, ts]) => surveyChange(d, stage, survey, ts)),
  fc.constant<Json>({ kind: "notification", type: "ms.SomethingNew", body: { changes: [] } }),
);

type Forged = { note: string; headers: (raw: Buffer) => Record<string, string> };
const SIGNATURES = ["missing", "other secret", "sha256", "hex", "no prefix", "other body", "sha1 of client id", "random"] as const;
type Part = { signature: "right" | (typeof SIGNATURES)[number]; clientId: "right" | "missing" | "wrong"; accountId: "right" | "missing" | "wrong" };
const R = "right" as const;
/** Mostly one wrong part of the credential with the other two right (each check must hold alone), sometimes several. */
const forgedParts: fc.Arbitrary<Part> = fc.oneof(
  fc.constantFrom(...SIGNATURES).map((signature): Part => ({ signature, clientId: R, accountId: R })),
  fc.constantFrom("missing" as const, "wrong" as const).map((clientId): Part => ({ signature: R, clientId, accountId: R })),
  fc.constantFrom("missing" as const, "wrong" as const).map((accountId): Part => ({ signature: R, clientId: R, accountId })),
  fc
    .record({ signature: fc.constantFrom(R, ...SIGNATURES), clientId: fc.constantFrom(R, "missing" as const, "wrong" as const), accountId: fc.constantFrom(R, "missing" as const, "wrong" as const) })
    .filter((p) => p.signature !== R || p.clientId !== R || p.accountId !== R),
);
const forgedCredential: fc.Arbitrary<Forged> = fc.tuple(forgedParts, forgedSecret(CLIENT_ID)).map(([{ signature, clientId, accountId }, wrong]) => ({
  note: `signature ${signature}, client id ${clientId}, account id ${accountId}`,
  headers: (raw: Buffer) => {
    const sig: Record<Part["signature"], string | undefined> = {
      right: signLivePersonBody(raw, CLIENT_SECRET),
      missing: undefined,
      "other secret": signLivePersonBody(raw, "not-the-secret"),
      sha256: signLivePersonBody(raw, CLIENT_SECRET, "sha256"),
      hex: signLivePersonBody(raw, CLIENT_SECRET, "sha1", "hex"),
      "no prefix": signLivePersonBody(raw, CLIENT_SECRET).slice("sha1=".length),
      "other body": signLivePersonBody(Buffer.concat([raw, Buffer.from("\n")]), CLIENT_SECRET),
      "sha1 of client id": signLivePersonBody(raw, CLIENT_ID),
      random: `sha1=${wrong}`,
    };
    const headers: Record<string, string> = {};
    if (sig[signature] !== undefined) headers["x-liveperson-signature"] = sig[signature]!;
    if (clientId !== "missing") headers["x-liveperson-client-id"] = clientId === "right" ? CLIENT_ID : wrong;
    if (accountId !== "missing") headers["x-liveperson-account-id"] = accountId === "right" ? ACCOUNT : "87654321";
    return headers;
  },
}));

/** Handed-over conversations shared by the properties below, so that forged and invalid requests could reach them. */
const SEEDED = ["lp-seeded-1", "lp-seeded-2"];
beforeAll(async () => {
  for (const [i, lp] of SEEDED.entries()) await seedHandover(lp, `bm-seeded-${i}`);
});
const seededFixture: fc.Arbitrary<Json> = fc.oneof(
  fc.tuple(fc.constantFrom(...SEEDED), fc.integer({ min: 1_000, max: 2_000 })).map(([d, s]) => agentSays(d, s, "forged agent text")),
  fc.tuple(fc.constantFrom(...SEEDED), fc.integer({ min: 1_000, max: 2_000 })).map(([d, ts]) => conversationChange(d, "CLOSE", 1_800_000_000_000 + ts)),
);

test("a forged or missing signature, client id or account id gets 401 (413 over 1 MB), even for a handed-over conversation, and changes nothing", async () => {
  const body = fc.oneof({ weight: 2, arbitrary: seededFixture.map((f) => asPayload(f)) }, { weight: 3, arbitrary: anyBody(fc.oneof(fixture, seededFixture), { depths: [3, 3000] }) });
  const request = fc.record({ body, type: contentType, forged: forgedCredential });
  await fc.assert(
    fc.asyncProperty(fc.array(request, { minLength: 1, maxLength: 4 }), async (batch) => {
      await expectNoStateChange(
        h.store,
        rt,
        batch.map(({ body, type, forged }) => async () => {
          const res = await post(body, { ...type, ...forged.headers(bytesOf(body.raw)) });
          expectStatus(res, isOversized(body) ? [413] : [401], forged.note);
        }),
      );
    }),
    { numRuns: RUNS.unauthenticated },
  );
});

type Broken = Json | typeof REMOVE;
const unknownType: Json = { kind: "notification", type: "ms.SomethingNew", body: { changes: [{ anything: true }] } };
/** Handled notifications broken where the schema is strict, and the path its 400 names. */
const SCHEMA_BREAKS: Array<{ base: (d: string) => Json; path: Array<string | number>; values: Broken[]; issue: string }> = [
  { base: (d) => agentSays(d, 1, "x"), path: ["body"], values: [REMOVE, null, "x", []], issue: "body" },
  { base: (d) => agentSays(d, 1, "x"), path: ["body", "changes"], values: [REMOVE, null, "x", {}, 5], issue: "body.changes" },
  { base: (d) => agentSays(d, 1, "x"), path: ["body", "changes", 0, "event"], values: [REMOVE, null, "ContentEvent", []], issue: "body.changes.0.event" },
  { base: (d) => agentSays(d, 1, "x"), path: ["body", "changes", 0, "event", "type"], values: [REMOVE, 5, null], issue: "body.changes.0.event.type" },
  { base: (d) => agentSays(d, 1, "x"), path: ["body", "changes", 0, "sequence"], values: ["1", true, []], issue: "body.changes.0.sequence" },
  { base: (d) => agentSays(d, 1, "x"), path: ["body", "changes", 0, "dialogId"], values: [5, {}, true], issue: "body.changes.0.dialogId" },
  { base: (d) => conversationChange(d, "CLOSE", 5), path: ["body", "changes", 0, "result"], values: [REMOVE, null, "x"], issue: "body.changes.0.result" },
  { base: (d) => conversationChange(d, "CLOSE", 5), path: ["body", "changes", 0, "result", "convId"], values: [REMOVE, 5, null, []], issue: "body.changes.0.result.convId" },
  { base: (d) => conversationChange(d, "CLOSE", 5), path: ["body", "changes", 0, "result", "conversationDetails"], values: [REMOVE, null, "CLOSE"], issue: "body.changes.0.result.conversationDetails" },
  { base: (d) => conversationChange(d, "CLOSE", 5), path: ["body", "changes", 0, "result", "conversationDetails", "metaDataLastUpdateTs"], values: ["5", {}], issue: "body.changes.0.result.conversationDetails.metaDataLastUpdateTs" },
  { base: (d) => surveyChange(d, "OPEN", "OPEN", 5), path: ["body", "changes", 0, "result", "conversationDetails", "stage"], values: [5, {}, []], issue: "body.changes.0.result.conversationDetails.stage" },
  { base: (d) => surveyChange(d, "OPEN", "OPEN", 5), path: ["body", "changes", 0, "result", "conversationDetails", "dialogs"], values: ["x", 5, {}], issue: "body.changes.0.result.conversationDetails.dialogs" },
  { base: (d) => surveyChange(d, "OPEN", "OPEN", 5), path: ["body", "changes", 0, "result", "conversationDetails", "dialogs", 1, "dialogId"], values: [5, {}], issue: "body.changes.0.result.conversationDetails.dialogs.1.dialogId" },
  // The envelope is checked whatever the type: a notification with no type, or no changes array, is not one.
  { base: (d) => agentSays(d, 1, "x"), path: ["type"], values: [REMOVE, null, 5, [], {}], issue: "type" },
  { base: () => unknownType, path: ["type"], values: [REMOVE, null, 5, [], {}], issue: "type" },
  { base: () => unknownType, path: ["body"], values: [REMOVE, null, "x", []], issue: "body" },
  { base: () => unknownType, path: ["body", "changes"], values: [REMOVE, null, "x", {}, 5], issue: "body.changes" },
];

test("signed but malformed notifications get 400 naming the problem; unhandled ones are acknowledged; neither changes anything", async () => {
  const schemaBreak = fc.tuple(fc.constantFrom(...SCHEMA_BREAKS), fc.constantFrom(...SEEDED), fc.option(pollutionPayload)).chain(([brk, d, extra]) =>
    fc.constantFrom(...brk.values).map((value) => {
      let body = setAt(brk.base(d), brk.path, value);
      if (extra) body = setAt(body, ["__proto__"], extra);
      return { body: asPayload(body, `${brk.path.join(".")} := ${value === REMOVE ? "(removed)" : JSON.stringify(value)}`), status: 400, issue: brk.issue as string | undefined };
    }),
  );
  const broken = fc.oneof(brokenBody(fixture), nonObjectJson).map((body) => ({ body, status: 400, issue: undefined }));
  // A well-formed notification of a type we do not act on: acknowledged with 200, so LP does not retry.
  const unhandled = fc
    .tuple(fc.constantFrom(...SEEDED), fc.oneof(text, fc.constantFrom("ms.messagingeventnotification", "__proto__", "constructor", "toString")))
    .map(([d, type]) => asPayload(setAt(agentSays(d, 1_500, "x"), ["type"], type), `type := ${JSON.stringify(type)}`))
    .map((body) => ({ body, status: 200, issue: undefined }));
  await fc.assert(
    fc.asyncProperty(fc.array(fc.tuple(fc.oneof(schemaBreak, broken, unhandled), contentType), { minLength: 1, maxLength: 4 }), async (batch) => {
      await expectNoStateChange(
        h.store,
        rt,
        batch.map(([{ body, status, issue }, type]) => async () => {
          const res = await post(body, signed(body, type));
          expectStatus(res, [status], String(body));
          if (status === 200) expect(res.text).toBe("");
          if (issue !== undefined && !issuePaths(res).some((p) => p === issue || p.startsWith(`${issue}.`))) throw new Error(`400 does not name ${issue}: ${res.text}`);
        }),
      );
    }),
    { numRuns: RUNS.invalid },
  );
});

test("no signed notification, however mutated, gets a 5xx or a non-JSON error, and none ends in the dead-letter record", async () => {
  const request = fc.tuple(anyBody(fc.oneof(fixture, seededFixture), { depths: [2, 300, 5000] }), contentType);
  await fc.assert(
    fc.asyncProperty(request, async ([body, type]) => {
      const dead = await deadLetters();
      const res = await post(body, signed(body, type));
      expectNoPollution();
      expectStatus(res, isOversized(body) ? [413] : [200, 400], String(body));
      if (res.status === 200) expect(res.text).toBe("");
      await drain(rt);
      expectNoPollution();
      expect(await deadLetters()).toBe(dead);
    }),
    { numRuns: RUNS.mutated },
  );
});

test("a signed agent message reaches the handed-over conversation once, and a signed CLOSE hands it back to the bot", async () => {
  const agentText = fc.oneof(fc.constantFrom("Hi, I'm Dana.", "Your card is unblocked."), text.filter((t) => t.trim() !== ""));
  await fc.assert(
    fc.asyncProperty(fc.uuid(), agentText, fc.integer({ min: 1, max: 1_000 }), async (id, said, sequence) => {
      const lp = `lp-valid-${id}`;
      const conversationId = `bm-valid-${id}`;
      await seedHandover(lp, conversationId);

      const message = asPayload(agentSays(lp, sequence, said));
      expectStatus(await post(message, signed(message)), [200]);
      await drain(rt);
      const relayed = await rt.sessions.load("bm", conversationId, Date.now());
      expect(relayed!.version).toBe(2);
      expect(relayed!.human!.lastSequence).toBe(sequence);
      expect(relayed!.history.at(-1)!.text).toBe(`[agent] ${said}`);
      // The same delivery again is dropped: LivePerson delivers at least once.
      expectStatus(await post(message, signed(message)), [200]);
      await drain(rt);
      expect((await rt.sessions.load("bm", conversationId, Date.now()))!.version).toBe(2);

      const close = asPayload(conversationChange(lp, "CLOSE", 1_900_000_000_000));
      expectStatus(await post(close, signed(close)), [200]);
      await drain(rt);
      const closed = await rt.sessions.load("bm", conversationId, Date.now());
      expect(closed!.handover).toEqual({ status: "bot" });
      expect(closed!.human!.conversationId).toBeUndefined();
      expect((await rt.events.list(`conv#bm#${conversationId}`)).map((e) => e.type)).toContain("liveperson.closed_by_agent");
    }),
    { numRuns: RUNS.valid },
  );
});

test("a post-conversation survey keeps the conversation with LivePerson, its messages relayed once, until it is over", async () => {
  await fc.assert(
    fc.asyncProperty(fc.uuid(), fc.integer({ min: 1, max: 1_000 }), fc.constantFrom<"stage" | "dialog">("stage", "dialog"), async (id, sequence, ending) => {
      const lp = `lp-survey-${id}`;
      const conversationId = `bm-survey-${id}`;
      await seedHandover(lp, conversationId);
      const load = async () => (await rt.sessions.load("bm", conversationId, Date.now()))!;
      const deliver = async (body: Json) => {
        const payload = asPayload(body);
        expectStatus(await post(payload, signed(payload)), [200]);
        await drain(rt);
      };

      await deliver(surveyChange(lp, "OPEN", "OPEN", 1_900_000_000_000));
      expect((await load()).handover.status).toBe("human");
      expect((await load()).human).toMatchObject({ conversationId: lp, surveyDialogId: `survey-${lp}` });
      await deliver(surveySays(lp, sequence, "How would you rate the service?"));
      await deliver(surveySays(lp, sequence, "How would you rate the service?"));
      expect((await load()).history.filter((h) => h.text === "[agent] How would you rate the service?")).toHaveLength(1);

      await deliver(ending === "stage" ? surveyChange(lp, "CLOSE", "CLOSE", 1_900_000_000_010) : surveyChange(lp, "OPEN", "CLOSE", 1_900_000_000_010));
      const over = await load();
      expect(over.handover).toEqual({ status: "bot" });
      expect(over.human!.conversationId).toBeUndefined();
      expect((await rt.events.list(`conv#bm#${conversationId}`)).map((e) => e.type)).toEqual(expect.arrayContaining(["liveperson.survey", "liveperson.closed_by_agent"]));
    }),
    { numRuns: RUNS.valid },
  );
});

describe("regressions: bugs the properties found, now fixed", () => {
  // Was a bug (fixed): the schema leaves an agent event's `content` and `quickReplies` unchecked (z.unknown / loose), and
  // change-job.ts agentMessages() walks them assuming arrays: a RichContentEvent whose button has
  // "click":{"actions":{}} (or whose "elements" is a string), or a ContentEvent with "quickReplies":{"replies":"x"},
  // is acknowledged 200, then every try of its job throws TypeError (…find / forEach / filter is not a function)
  // and it ends in the dead-letter record, for any dialog (the content is read before the conversation is looked up).
  const richEvent = (event: Json, sequence: number): Json => ({
    kind: "notification",
    type: "ms.MessagingEventNotification",
    body: { changes: [{ sequence, originatorMetadata: { role: "ASSIGNED_AGENT" }, dialogId: "lp-unknown-dialog", event }] },
  });
  test.each([
    ["a button with click.actions {}", 7001, { type: "RichContentEvent", content: { type: "vertical", elements: [{ type: "button", title: "Yes", click: { actions: {} } }] } }],
    ["elements as a string", 7002, { type: "RichContentEvent", content: { type: "vertical", elements: "text" } }],
    ["quickReplies.replies as a string", 7003, { type: "ContentEvent", message: "hi", quickReplies: { replies: "x" } }],
  ])("a signed agent event with %s is acknowledged and does not end in the dead-letter record", async (_what, sequence, event) => {
    const dead = await deadLetters();
    const body = asPayload(richEvent(event as Json, sequence as number));
    expectStatus(await post(body, signed(body)), [200, 400]);
    await drain(rt);
    expect(await deadLetters()).toBe(dead);
  });

  // Was a bug (fixed): lib/platforms/liveperson/webhook.ts logs an unhandled type as String(type), evaluated even when the log
  // level is off. A signed notification whose "type" is {"toString":0} makes String() throw TypeError (Cannot
  // convert object to primitive value), one whose "type" is an array nested 5000 levels deep overflows the stack
  // in Array.prototype.join: both → 500 {"error":"internal error"}.
  // Now: any JSON nested deeper than 64 levels is refused with 400 before a handler sees it (lib/http/body.ts), and a
  // type that is not a string is a schema break (400).
  test.each([
    ["an object with toString: 0", 400, '{"kind":"notification","type":{"toString":0},"body":{"changes":[]}}'],
    ["5000 levels of arrays", 400, `{"kind":"notification","type":${deepJson(5000)},"body":{}}`],
  ])("a signed notification whose type is %s gets %d, not 500", async (_what, status, raw) => {
    const body = rawPayload(raw, "odd type");
    expectStatus(await post(body, signed(body)), [status]);
  });
});
