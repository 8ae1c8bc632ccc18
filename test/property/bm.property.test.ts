import fc from "fast-check";
import { handler as bmDebug } from "../../functions/bm-debug";
import { handler as bmWebhook } from "../../functions/bm-webhook";
import { localSecrets } from "../support/local-secrets";
import { isBmDebugReport } from "../../lib/platforms/business-messenger/schema";
import { signBmBody } from "../../lib/platforms/business-messenger/verify";
import { useRuntime, type Runtime } from "../../lib/runtime";
import {
  bmAudioRequest,
  bmContactRequest,
  bmDebugReport,
  bmFileListRequest,
  bmFileRequest,
  bmLocationRequest,
  bmPictureRequest,
  bmPostbackRequest,
  bmRequest,
  bmTextRequest,
  bmUnknownBodyRequest,
  bmVideoRequest,
  type BmRequestOptions,
} from "../platforms/business-messenger/fixtures";
import { useHarness } from "../support/harness";
import {
  anyBody,
  asPayload,
  brokenBody,
  contentType,
  deepJson,
  headerValue,
  isOversized,
  jsonValue,
  mutatedFixture,
  nonObjectJson,
  pathsOf,
  protoKeyText,
  ownObject,
  pollutionPayload,
  rawPayload,
  REMOVE,
  setAt,
  text,
  type Json,
  type Payload,
} from "./arbitraries";
import { bytesOf, drain, expectContract, expectNoPollution, expectNoStateChange, expectStatus, issuePaths, RUNS, send } from "./support";
import { processedIds } from "../support/processed-ids";

/**
 * Business Messenger (POST /bm/webhook, POST /bm/debug) under fast-check: forged signatures never get in,
 * signed garbage gets a JSON 4xx and changes nothing, no signed body yields a 5xx, valid messages are stored.
 */
jest.setTimeout(60_000);
const h = useHarness({ "POST /bm/webhook": bmWebhook as never, "POST /bm/debug": bmDebug as never });
let rt: Runtime;
beforeAll(() => {
  rt = h.store.runtime();
  useRuntime(rt);
});
afterAll(() => expectNoPollution());

const KEY = localSecrets.BM_SIGNATURE_KEY;
const url = (path: string) => `${h.api.url}${path}`;
const endpoint = fc.constantFrom("/bm/webhook", "/bm/debug");

/** Every documented body kind, with varying ids. */
const message: fc.Arbitrary<Json> = fc
  .tuple(
    fc.constantFrom(
      (o: BmRequestOptions) => bmTextRequest("hi", o),
      (o: BmRequestOptions) => bmPostbackRequest("BALANCE", "Balance", o),
      bmPictureRequest,
      bmVideoRequest,
      bmAudioRequest,
      bmFileRequest,
      bmFileListRequest,
      bmLocationRequest,
      bmContactRequest,
      bmUnknownBodyRequest,
    ),
    fc.uuid(),
    fc.constantFrom("Viber", "SMS", "WhatsApp", "Telegram", "RCS", "Facebook", "Instagram", "Carrier pigeon"),
  )
  .map(([build, dialogUuid, channel]) => build({ dialogUuid: `prop-${dialogUuid}`, channel }) as unknown as Json);
const fixture: fc.Arbitrary<Json> = fc.oneof({ weight: 5, arbitrary: message }, { weight: 1, arbitrary: fc.constant(bmDebugReport() as Json) });

/** Signatures that must not verify for `raw`: missing, other key, other encoding, random, another body's, damaged. */
type Forged = { note: string; header?: string };
const forgedSignature = (raw: Buffer): fc.Arbitrary<Forged> => {
  const right = signBmBody(raw, KEY);
  return fc
    .oneof<fc.Arbitrary<Forged>[]>(
      fc.constant({ note: "no signature" }),
      fc.constant({ note: "empty", header: "" }),
      fc.constant({ note: "other key", header: signBmBody(raw, "not-the-key") }),
      fc.constant({ note: "hex-base64 encoding", header: signBmBody(raw, KEY, "hex-base64") }),
      fc.constant({ note: "hex digest", header: Buffer.from(right, "base64").toString("hex") }),
      fc.constant({ note: "right signature of another body", header: signBmBody(Buffer.concat([raw, Buffer.from(" ")]), KEY) }),
      fc.constant({ note: "truncated", header: right.slice(0, -2) }),
      fc.nat({ max: right.length - 3 }).map((i) => ({ note: `char ${i} changed`, header: right.slice(0, i) + (right[i] === "A" ? "B" : "A") + right.slice(i + 1) })),
      fc.constant({ note: "base64url", header: right.replace(/\+/g, "-").replace(/\//g, "_").replace(/=+$/, "") }),
      fc.constant({ note: "sha512= prefix", header: `sha512=${right}` }),
      headerValue.map((v) => ({ note: "random", header: v })),
    )
    .filter((s) => s.header?.trim() !== right);
};

const post = (path: string, body: Payload, headers: Record<string, string>) => send(url(path), { headers, body: body.raw });
const signed = (body: Payload) => ({ "x-bm-signature": signBmBody(bytesOf(body.raw), KEY) });

test("forged or missing signatures get 401 (413 over 1 MB) with a JSON error, and change nothing", async () => {
  const request = fc.tuple(endpoint, anyBody(fixture, { depths: [3, 3000] }), contentType).chain(([path, body, type]) =>
    forgedSignature(bytesOf(body.raw)).map((signature) => ({ path, body, type, signature })),
  );
  await fc.assert(
    fc.asyncProperty(fc.array(request, { minLength: 1, maxLength: 4 }), async (batch) => {
      await expectNoStateChange(
        h.store,
        rt,
        batch.map(({ path, body, type, signature }) => async () => {
          const res = await post(path, body, { ...type, ...(signature.header === undefined ? {} : { "x-bm-signature": signature.header }) });
          expectStatus(res, isOversized(body) ? [413] : [401], `${path} ${signature.note}`);
        }),
      );
    }),
    { numRuns: RUNS.unauthenticated },
  );
});

/** A message request with one required field broken, and the issue path the 400 must name. */
type Broken = Json | typeof REMOVE;
const SCHEMA_BREAKS: Array<{ path: string[]; values: fc.Arbitrary<Broken>; issue: string }> = [
  { path: ["dialogUuid"], values: fc.constantFrom<Broken>(REMOVE, null, "", 42, true, [], {}), issue: "dialogUuid" },
  { path: ["channel"], values: fc.constantFrom<Broken>(REMOVE, null, 7, false, ["SMS"], {}), issue: "channel" },
  { path: ["message"], values: fc.constantFrom<Broken>(REMOVE, null, "hi", 3, [], true), issue: "message" },
  { path: ["message", "body"], values: fc.constantFrom<Broken>(REMOVE, null, "hi", 3, [{ content: "hi" }]), issue: "message.body" },
  { path: ["message", "body", "content"], values: fc.constantFrom<Broken>(1, true, ["hi"], { text: "hi" }), issue: "message.body.content" },
  { path: ["message", "from"], values: fc.constantFrom<Broken>(true, ["4179"], { number: "4179" }), issue: "message.from" },
  { path: ["message", "to"], values: fc.constantFrom<Broken>("41790000000", 5, { number: "1" }), issue: "message.to" },
  { path: ["message", "body", "latitude"], values: fc.constantFrom<Broken>("north", true, { deg: 47 }), issue: "message.body.latitude" },
  { path: ["contact"], values: fc.constantFrom<Broken>("Ana", 5, ["Ana"], true), issue: "contact" },
  { path: ["message", "allowedChannels"], values: fc.constantFrom<Broken>("viber", [1, 2], { sms: true }), issue: "message.allowedChannels" },
];

test("signed but malformed requests get 400 naming the problem, and change nothing", async () => {
  const schemaBreak = fc
    .tuple(fc.constantFrom(...SCHEMA_BREAKS), message, fc.option(pollutionPayload))
    .chain(([brk, msg, extra]) =>
      brk.values.map((value) => {
        let body = setAt(msg, brk.path, value);
        if (extra) body = setAt(body, ["__proto__"], extra);
        const note = `${brk.path.join(".")} := ${value === REMOVE ? "(removed)" : JSON.stringify(value)}${extra ? " + __proto__ key" : ""}`;
        return { path: "/bm/webhook", body: asPayload(body, note), issue: brk.issue as string | undefined };
      }),
    );
  const broken = fc.tuple(endpoint, brokenBody(fixture)).map(([path, body]) => ({ path, body, issue: undefined }));
  const nonObject = nonObjectJson.map((body) => ({ path: "/bm/webhook", body, issue: "(root)" }));
  const request = fc.tuple(fc.oneof(schemaBreak, broken, nonObject), contentType);
  await fc.assert(
    fc.asyncProperty(fc.array(request, { minLength: 1, maxLength: 4 }), async (batch) => {
      await expectNoStateChange(
        h.store,
        rt,
        batch.map(([{ path, body, issue }, type]) => async () => {
          const res = await post(path, body, { ...type, ...signed(body) });
          expectStatus(res, [400], `${path} ${String(body)}`);
          if (issue !== undefined && !issuePaths(res).some((p) => p === issue || p.startsWith(`${issue}.`))) throw new Error(`400 does not name ${issue}: ${res.text}`);
        }),
      );
    }),
    { numRuns: RUNS.invalid },
  );
});

test("no signed body, however mutated, gets a 5xx or a non-JSON error; successes keep BM's answer shape", async () => {
  // Any JSON object can be a debug report, stored as JSON text: any key, any number; deeper than 64 levels → 400.
  const request = fc.tuple(endpoint, anyBody(fixture, { depths: [2, 40, 300, 5000] }), contentType);
  await fc.assert(
    fc.asyncProperty(request, async ([path, body, type]) => {
      const res = await post(path, body, { ...type, ...signed(body) });
      expectNoPollution();
      expectStatus(res, isOversized(body) ? [413] : [200, 400], `${path} ${String(body)}`);
      if (res.status !== 200) return;
      if (path === "/bm/debug") expect(res.text).toBe("");
      else expect(res.json).toEqual({ messages: expect.any(Array) });
    }),
    { numRuns: RUNS.mutated },
  );
});

test("signed message requests with prototype keys anywhere get 200 or 400 and pollute nothing", async () => {
  // Message requests only (debug reports are covered by the property above).
  const request = mutatedFixture(message, { depths: [2] }).filter((p) => !isBmDebugReport(JSON.parse(p.raw as string)));
  await fc.assert(
    fc.asyncProperty(fc.oneof(request, protoKeyText(message)), async (body) => {
      const res = await post("/bm/webhook", body, { "content-type": "application/json", ...signed(body) });
      expectStatus(res, isOversized(body) ? [413] : [200, 400], String(body));
      expectNoPollution();
    }),
    { numRuns: RUNS.mutated / 2 },
  );
});

test("a signed message with thousands of levels of nesting in one of its fields gets 200 or 400, never a 5xx", async () => {
  // One deep value below the root of a message request never turns it into a debug report, so nothing deep is stored.
  const request = message.chain((msg) =>
    fc.tuple(fc.constantFrom(...pathsOf(msg).filter((p) => p.length > 0)), fc.constantFrom(1000, 5000, 20000), fc.constantFrom("array" as const, "object" as const)).map(([path, depth, shape]) => {
      const marker = "@@DEEP@@";
      return rawPayload(JSON.stringify(setAt(msg, path, marker)).replace(`"${marker}"`, deepJson(depth, shape)), `${path.join(".") || "(root)"} := ${depth} levels of ${shape}s`);
    }),
  );
  await fc.assert(
    fc.asyncProperty(request, async (body) => {
      const res = await post("/bm/webhook", body, { "content-type": "application/json", ...signed(body) });
      expectStatus(res, [200, 400], String(body));
    }),
    { numRuns: RUNS.deep },
  );
});

test("a valid signed message gets the bot's answer and is stored; a valid debug report is recorded", async () => {
  const userText = fc.oneof(fc.constantFrom("hi", "Balance", "2", "agent", "transfer"), text);
  await fc.assert(
    fc.asyncProperty(fc.uuid(), userText, fc.constantFrom("Viber", "SMS", "WhatsApp"), fc.option(jsonValue), async (id, said, channel, extra) => {
      const dialogUuid = `valid-${id}`;
      let request = bmRequest({ content: said }, { dialogUuid, channel, providerMsgID: `m-${id}` }) as unknown as Json;
      if (extra !== null) request = setAt(request, ["extra"], extra);
      const body = asPayload(request);
      const res = await post("/bm/webhook", body, { "content-type": "application/json", ...signed(body) });
      expectStatus(res, [200], String(body));
      expect((res.json as { messages: unknown[] }).messages.length).toBeGreaterThan(0);
      const session = await rt.sessions.load("bm", dialogUuid, Date.now());
      expect(session).toMatchObject({ version: 1, channel });
      expect(processedIds(session!.processed, [`m-${id}`])).toEqual([`m-${id}`]);

      const report = asPayload(ownObject([["error", said], ["dialogUuid", dialogUuid], ["errors", [{ field: "messages[0].body" }]]]));
      const debug = await post("/bm/debug", report, signed(report));
      expectStatus(debug, [200]);
      await drain(rt);
      const recorded = (await rt.events.list("platform#bm#debug")).filter((e) => e.conversationId === dialogUuid);
      expect(recorded).toHaveLength(1);
      expect(recorded[0]!.data).toEqual({ report: JSON.parse(report.raw as string) });
    }),
    { numRuns: RUNS.valid },
  );
});

describe("regressions: bugs the properties found, now fixed", () => {
  // Was a bug (fixed): recordDebugReport JSON.stringify()s the report and the store marshals it recursively: a signed debug
  // report nested 5000 levels deep throws RangeError (Maximum call stack size exceeded) → 500 "internal error".
  // (At 1000 levels the embedded store itself overflows and the request hangs; real DynamoDB refuses > 32 levels → 503.)
  test("a signed debug report nested 5000 levels deep gets a 4xx, not 500", async () => {
    for (const path of ["/bm/webhook", "/bm/debug"]) {
      const body = rawPayload(`{"error":"x","d":${deepJson(5000, "object")}}`, "deep debug report");
      const res = await post(path, body, signed(body));
      expectContract(res, `${path} deep debug report`);
    }
  });

  // Was a bug (fixed): the DynamoDB document marshaller cannot store an object with an own key "__proto__" (it assigns the
  // key, so it lands on the map's prototype: "Supplied AttributeValue is empty") or "constructor" (taken for a
  // class instance: "Unsupported type passed"). A debug report is stored as is, so a signed report such as
  // {"error":"x","constructor":{"name":"y"}} or {"error":"x","__proto__":{"a":1}} gets
  // 503 {"error":"session store unavailable (write event)"} with Retry-After: 1, and BM retries it forever.
  //
  // Was a bug (fixed): the same for numbers DynamoDB cannot hold: {"error":"x","n":1e300} (outside 1e-130..1e126: ValidationException)
  // or {"error":"x","n":9007199254740993} (beyond 2^53: the marshaller throws) → 503 "session store unavailable (write event)".
  test.each([
    '{"error":"x","constructor":{"name":"y"}}',
    '{"error":"x","__proto__":{"a":1}}',
    '{"errors":[{"d":{"__proto__":null}}]}',
    '{"error":"x","n":1e300}',
    '{"error":"x","n":9007199254740993}',
  ])(
    "a signed debug report %s gets 200 (or a 4xx), not 503",
    async (raw) => {
      for (const path of ["/bm/debug", "/bm/webhook"]) {
        const body = rawPayload(raw, "debug report with a prototype key");
        expectStatus(await post(path, body, signed(body)), [200, 400], path);
      }
    },
  );

  // Was a bug (fixed): a dialogUuid over DynamoDB's 2048-byte partition-key limit makes the session read fail:
  // 503 {"error":"session store unavailable (read session)"} with Retry-After, so BM retries a request that can never succeed.
  test("a signed message whose dialogUuid is 3000 characters long gets a 4xx, not 503", async () => {
    const body = asPayload(bmTextRequest("hi", { dialogUuid: "d".repeat(3000) }) as unknown as Json);
    expectContract(await post("/bm/webhook", body, signed(body)));
  });

  // Was a bug (fixed): a providerMsgID of 450 KB is stored in the session's processed list: the item exceeds DynamoDB's
  // 400 KB → 503 {"error":"session store unavailable (write session)"} (the body is under the 1 MB cap).
  test("a signed message whose providerMsgID is 450 KB gets a 4xx, not 503", async () => {
    const body = asPayload(bmTextRequest("hi", { dialogUuid: "long-id-1", providerMsgID: "m".repeat(450_000) }) as unknown as Json);
    expectContract(await post("/bm/webhook", body, signed(body)));
  });

  // Was a bug (fixed): the contact's first_name becomes the `user` namespace; over 32 KB the store refuses the update
  // (InvalidSessionUpdateError, not mapped) → 500 {"error":"internal error"}.
  test("a signed first message whose contact first_name is 40 KB gets a 2xx/4xx, not 500", async () => {
    const body = asPayload(bmTextRequest("hi", { dialogUuid: "long-name-1", contact: { first_name: "n".repeat(40_000) } }) as unknown as Json);
    expectContract(await post("/bm/webhook", body, signed(body)));
  });
});
