import fc from "fast-check";
import { handler as kommunicateWebhook } from "../../functions/kommunicate-webhook";
import { localSecrets } from "../support/local-secrets";
import { useRuntime, type Runtime } from "../../lib/runtime";
import {
  kmButtonClickRequest,
  kmDocsRequest,
  kmFormSubmitRequest,
  kmImageAndLocationRequest,
  kmImageRequest,
  kmLocationRequest,
  kmStringContextMediaRequest,
  kmTextRequest,
  kmTriggerEventRequest,
  kmWelcomeRequest,
  type KmRequestOptions,
} from "../platforms/kommunicate/fixtures";
import { useHarness } from "../support/harness";
import { anyBody, asPayload, brokenBody, contentType, forgedSecret, isOversized, nonObjectJson, pollutionPayload, REMOVE, setAt, text, type Json, type Payload } from "./arbitraries";
import { drain, expectNoPollution, expectNoStateChange, expectStatus, issuePaths, RUNS, send } from "./support";
import { processedIds } from "../support/processed-ids";

/**
 * Kommunicate's custom-bot webhook (POST /kommunicate/webhook) under fast-check: a missing or wrong secret
 * header never gets in, malformed requests get a JSON 400 and change nothing, no authenticated body yields a
 * 5xx, and a valid message is answered and stored.
 */
jest.setTimeout(60_000);
const h = useHarness({ "POST /kommunicate/webhook": kommunicateWebhook as never });
let rt: Runtime;
beforeAll(() => {
  rt = h.store.runtime();
  useRuntime(rt);
});
afterAll(async () => {
  await drain(rt);
  expectNoPollution();
});

const SECRET = localSecrets.KOMMUNICATE_WEBHOOK_SECRET;
const HEADER = "x-webhook-secret";
const post = (body: Payload, headers: Record<string, string>, query = "") => send(`${h.api.url}/kommunicate/webhook${query}`, { headers, body: body.raw });

/** Every documented request kind, with varying conversation and message ids. */
const fixture: fc.Arbitrary<Json> = fc
  .tuple(
    fc.constantFrom(
      (o: KmRequestOptions) => kmTextRequest("hi", o),
      kmDocsRequest,
      kmWelcomeRequest,
      kmImageRequest,
      kmLocationRequest,
      kmImageAndLocationRequest,
      (o: KmRequestOptions) => kmStringContextMediaRequest(undefined, o),
      (o: KmRequestOptions) => kmButtonClickRequest(undefined, undefined, o),
      (o: KmRequestOptions) => kmFormSubmitRequest(undefined, o),
      (o: KmRequestOptions) => kmTriggerEventRequest(undefined, o),
    ),
    fc.uuid(),
    fc.boolean(),
  )
  .map(([build, id, numericGroup]) => build({ groupId: numericGroup ? Number.parseInt(id.slice(0, 8), 16) : `km-${id}`, key: `k-${id}` }) as unknown as Json);

type Forged = { note: string; headers: Record<string, string>; query?: string };
const forgedCredential: fc.Arbitrary<Forged> = fc.oneof(
  fc.constant({ note: "no header", headers: {} }),
  forgedSecret(SECRET).map((v) => ({ note: "wrong secret", headers: { [HEADER]: v } })),
  fc.constantFrom<Forged>(
    { note: "other header name", headers: { "x-webhook-secrets": SECRET } },
    { note: "as bearer token", headers: { authorization: `Bearer ${SECRET}` } },
    { note: "in the query", headers: {}, query: `?secret=${SECRET}` },
    { note: "TwoWay's secret", headers: { [HEADER]: localSecrets.TWOWAY_WEBHOOK_SECRET } },
    { note: "empty", headers: { [HEADER]: "" } },
  ),
);
const authenticated = (type: Record<string, string> = { "content-type": "application/json" }) => ({ ...type, [HEADER]: SECRET });

test("a missing or wrong secret header gets 401 (413 over 1 MB) with a JSON error, and changes nothing", async () => {
  const request = fc.record({ body: anyBody(fixture, { depths: [3, 3000] }), type: contentType, forged: forgedCredential });
  await fc.assert(
    fc.asyncProperty(fc.array(request, { minLength: 1, maxLength: 4 }), async (batch) => {
      await expectNoStateChange(
        h.store,
        rt,
        batch.map(({ body, type, forged }) => async () => {
          const res = await post(body, { ...type, ...forged.headers }, forged.query);
          expectStatus(res, isOversized(body) ? [413] : [401], forged.note);
        }),
      );
    }),
    { numRuns: RUNS.unauthenticated },
  );
});

type Broken = Json | typeof REMOVE;
/** Fields the schema requires or types strictly, with values it must refuse, and the path its 400 names. */
const SCHEMA_BREAKS: Array<{ field: string; values: Broken[] }> = [
  { field: "key", values: [REMOVE, "", 5, null, [], {}] },
  { field: "groupId", values: [REMOVE, "", true, null, [], {}] },
  { field: "message", values: [5, true, [], { text: "hi" }] },
  { field: "eventName", values: [5, true, ["WELCOME"]] },
  { field: "metadata", values: ["not json", "[1]", 5, true, [], '"str"'] },
  { field: "from", values: [true, [], { id: "u" }] },
];

test("authenticated but malformed requests get 400 naming the problem, and change nothing", async () => {
  const schemaBreak = fc.tuple(fc.constantFrom(...SCHEMA_BREAKS), fixture, fc.option(pollutionPayload)).chain(([brk, f, extra]) =>
    fc.constantFrom(...brk.values).map((value) => {
      let body = setAt(f, [brk.field], value);
      if (extra) body = setAt(body, ["__proto__"], extra);
      return { body: asPayload(body, `${brk.field} := ${value === REMOVE ? "(removed)" : JSON.stringify(value)}`), issue: brk.field as string | undefined };
    }),
  );
  const broken = brokenBody(fixture).map((body) => ({ body, issue: undefined }));
  const nonObject = nonObjectJson.map((body) => ({ body, issue: "(root)" }));
  await fc.assert(
    fc.asyncProperty(fc.array(fc.tuple(fc.oneof(schemaBreak, broken, nonObject), contentType), { minLength: 1, maxLength: 4 }), async (batch) => {
      await expectNoStateChange(
        h.store,
        rt,
        batch.map(([{ body, issue }, type]) => async () => {
          const res = await post(body, authenticated(type));
          expectStatus(res, [400], String(body));
          if (issue !== undefined && !issuePaths(res).some((p) => p === issue || p.startsWith(`${issue}.`))) throw new Error(`400 does not name ${issue}: ${res.text}`);
        }),
      );
    }),
    { numRuns: RUNS.invalid },
  );
});

test("no authenticated body, however mutated, gets a 5xx or a non-JSON error; successes keep Kommunicate's answer shape", async () => {
  const request = fc.tuple(anyBody(fixture, { depths: [2, 300, 5000] }), contentType);
  await fc.assert(
    fc.asyncProperty(request, async ([body, type]) => {
      const res = await post(body, authenticated(type));
      expectNoPollution();
      expectStatus(res, isOversized(body) ? [413] : [200, 400], String(body));
      if (res.status !== 200) return;
      expect(Array.isArray(res.json)).toBe(true);
      for (const m of res.json as unknown[]) expect(m).toEqual(expect.objectContaining({ message: expect.any(String) }));
    }),
    { numRuns: RUNS.mutated },
  );
});

test("a valid message is answered with Kommunicate messages and recorded in its conversation's session", async () => {
  const userText = fc.oneof(fc.constantFrom("hi", "Balance", "2", "transfer", "Agent"), text);
  await fc.assert(
    fc.asyncProperty(fc.uuid(), userText, fc.boolean(), async (id, said, welcome) => {
      const groupId = `valid-${id}`;
      const request = (welcome ? kmWelcomeRequest({ groupId, key: `k-${id}` }) : kmTextRequest(said, { groupId, key: `k-${id}` })) as unknown as Json;
      const res = await post(asPayload(request), authenticated());
      expectStatus(res, [200], JSON.stringify(request));
      expect(Array.isArray(res.json)).toBe(true);
      expect((res.json as unknown[]).length).toBeGreaterThan(0);
      const session = await rt.sessions.load("kommunicate", groupId, Date.now());
      expect(session).toMatchObject({ version: 1 });
      expect(processedIds(session!.processed, [`k-${id}`])).toEqual([`k-${id}`]);
    }),
    { numRuns: RUNS.valid },
  );
});

describe("regressions: bugs the properties found, now fixed", () => {
  // Was a bug (fixed): ids are used as they come: a groupId over DynamoDB's 2048-byte key limit → 503 "session store unavailable
  // (read session)"; a 450 KB key is stored in the session's processed list, over the 400 KB item limit → 503
  // "(write session)". Both bodies are under the 1 MB cap, and a retry can never succeed: these are 400s.
  test.each([
    ["groupId of 3000 characters", { groupId: "g".repeat(3000), key: "k-long-group" }],
    ["key of 450 KB", { groupId: "long-key", key: "k".repeat(450_000) }],
  ])("a message with a %s gets a 4xx, not 503", async (_what, options) => {
    const res = await post(asPayload(kmTextRequest("hi", options) as unknown as Json), authenticated());
    expectStatus(res, [200, 400]);
  });
});
