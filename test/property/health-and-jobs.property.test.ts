import fc from "fast-check";
import type { SQSBatchResponse, SQSEvent, SQSRecord } from "aws-lambda";
import { handler as health } from "../../functions/health";
import { handler as jobWorker } from "../../functions/job-worker";
import { KOMMUNICATE_LATE_REPLY } from "../../lib/platforms/kommunicate/late-reply";
import { LIVEPERSON_CHANGE } from "../../lib/platforms/liveperson/change-job";
import { TWOWAY_TURN } from "../../lib/platforms/twoway/reply-job";
import { useRuntime, type Runtime } from "../../lib/runtime";
import { useHarness } from "../support/harness";
import { headerValue, jsonValue, mutatedFixture, text, type Json } from "./arbitraries";
import { expectNoPollution, expectNoStateChange, RUNS, send } from "./support";

/**
 * GET /health under random queries and headers, and the SQS job worker (functions/job-worker.ts) under random
 * record bodies: it must never throw, only report batch item failures (FIFO: a failure and every later record).
 */
jest.setTimeout(60_000);
const h = useHarness({ "GET /health": health as never });
let rt: Runtime;
beforeAll(() => {
  rt = h.store.runtime();
  useRuntime(rt);
});
afterAll(() => expectNoPollution());

test("GET /health answers 200 {\"status\":\"ok\"} as JSON whatever the query and headers, and touches nothing", async () => {
  const query = fc.dictionary(fc.string({ maxLength: 8 }), text.map((s) => s.replace(/[\ud800-\udfff]/g, "?")), { maxKeys: 3 });
  const headers = fc.dictionary(fc.constantFrom("x-correlation-id", "authorization", "content-type", "x-bm-signature", "accept", "x-forwarded-for"), headerValue, { maxKeys: 3 });
  await fc.assert(
    fc.asyncProperty(fc.array(fc.tuple(query, headers), { minLength: 1, maxLength: 3 }), async (batch) => {
      await expectNoStateChange(
        h.store,
        rt,
        batch.map(([q, hd]) => async () => {
          const qs = new URLSearchParams(q).toString();
          const res = await send(`${h.api.url}/health${qs ? `?${qs}` : ""}`, { method: "GET", headers: hd });
          expect(res.status).toBe(200);
          expect(res.contentType).toMatch(/^application\/json\b/);
          expect(res.json).toEqual({ status: "ok" });
        }),
      );
    }),
    { numRuns: RUNS.unauthenticated },
  );
});

// ---- the job worker ----

const KINDS = [KOMMUNICATE_LATE_REPLY, TWOWAY_TURN, LIVEPERSON_CHANGE];
/** A real late-reply job (it runs the test bot for a Kommunicate conversation and records the answer). */
const lateReply = (id: string): Json => ({
  kind: KOMMUNICATE_LATE_REPLY,
  group: `kommunicate#jobs-${id}`,
  dedupeId: `m-${id}`,
  payload: { turn: { platform: "kommunicate", conversationId: `jobs-${id}`, userId: "u", messageId: `m-${id}`, message: { type: "text", text: "hi" }, receivedAt: 0 } },
});
const job = (values: fc.Arbitrary<Json>): fc.Arbitrary<Json> =>
  fc.record({ kind: fc.oneof(fc.constantFrom(...KINDS), fc.constantFrom("nobody.handles-this", "__proto__", "constructor", "toString", ""), text), group: text, dedupeId: text, payload: values });

/** What an SQS record body can be: a real job, a mutated one, any job-shaped object, any JSON, any text. */
const recordBody = (values: fc.Arbitrary<Json>): fc.Arbitrary<string> =>
  fc.oneof(
    fc.uuid().map((id) => JSON.stringify(lateReply(id))),
    mutatedFixture(fc.uuid().map(lateReply), { depths: [2, 50] }).map((p) => p.raw as string),
    job(values).map((j) => JSON.stringify(j)),
    fc.string({ maxLength: 40 }),
    fc.constantFrom("", "{", "not a job", "undefined"),
  );

const sqsEvent = (records: Array<{ body: string; receives: number }>, prefix: string): SQSEvent => ({
  Records: records.map(
    ({ body, receives }, i) => ({ messageId: `${prefix}-${i}`, receiptHandle: "r", body, attributes: { ApproximateReceiveCount: String(receives) }, messageAttributes: {}, md5OfBody: "", eventSource: "aws:sqs", eventSourceARN: "arn", awsRegion: "us-east-1" }) as unknown as SQSRecord,
  ),
});

/** The batch response is well formed: failures are record ids, in order, from the first failure to the end. */
function expectFifoFailures(event: SQSEvent, result: SQSBatchResponse): number {
  const ids = event.Records.map((r) => r.messageId);
  const failed = result.batchItemFailures.map((f) => f.itemIdentifier);
  const first = failed.length ? ids.indexOf(failed[0]!) : ids.length;
  expect(first).toBeGreaterThanOrEqual(0);
  expect(failed).toEqual(ids.slice(first));
  return first;
}

let batchNo = 0;

test("the job worker never throws on random records before their last receive; it reports the failures in FIFO order", async () => {
  const records = fc.array(fc.record({ body: recordBody(jsonValue), receives: fc.integer({ min: 1, max: 4 }) }), { minLength: 1, maxLength: 5 });
  await fc.assert(
    fc.asyncProperty(records, async (batch) => {
      const event = sqsEvent(batch, `b${++batchNo}`);
      const result = await jobWorker(event);
      expectNoPollution();
      expectFifoFailures(event, result);
    }),
    { numRuns: RUNS.mutated },
  );
});

test("on its last receive a failing record is recorded in the dead-letter events, and the worker still does not throw", async () => {
  // Any body: jobs with odd payloads, JSON that is not a job ("x", 5, {}, {"kind":5}), or not JSON at all.
  const records = fc.array(
    fc.record({
      body: fc.oneof(
        job(jsonValue).map((j) => JSON.stringify(j)),
        jsonValue.map((v) => JSON.stringify(v) ?? "null"),
        fc.constantFrom("{", "not a job", "", "{\"kind\":", '"x"', "5", "true", "{}", "[]", '{"kind":5}'),
        fc.uuid().map((id) => JSON.stringify(lateReply(id))),
      ),
      receives: fc.integer({ min: 4, max: 6 }),
    }),
    { minLength: 1, maxLength: 4 },
  );
  await fc.assert(
    fc.asyncProperty(records, async (batch) => {
      const before = (await rt.events.list("jobs#dead-letter", 1000)).length;
      const event = sqsEvent(batch, `d${++batchNo}`);
      const result = await jobWorker(event);
      const first = expectFifoFailures(event, result);
      const dead = (await rt.events.list("jobs#dead-letter", 1000)).length - before;
      // Only the first failure ran; the later records were handed back unrun.
      expect(dead).toBe(first < batch.length && batch[first]!.receives >= 5 ? 1 : 0);
    }),
    { numRuns: RUNS.invalid },
  );
});

describe("regressions: bugs the properties found, now fixed", () => {
  // Was a bug (fixed): on the last receive (ApproximateReceiveCount >= 5) the worker calls recordDeadLetter(rt, job, err) with
  // whatever JSON.parse returned. Its first line, `"kind" in job ? job.kind.split(".") …`, runs outside its
  // try: a body that is JSON but not an object ("\"x\"", "5", "true") throws TypeError (`in` on a primitive),
  // an object without kind ({}, []) throws reading job.body.slice, and {"kind":5} throws on kind.split. The
  // handler then rejects: Lambda fails the whole batch instead of reporting the one item, and no dead letter
  // is recorded.
  test.each(['"x"', "5", "true", "{}", "[]", '{"kind":5}'])("a record whose body is %s on its 5th receive is reported, not thrown", async (body) => {
    const event = sqsEvent([{ body, receives: 5 }, { body: JSON.stringify(lateReply("after-bad-body")), receives: 1 }], `bug${++batchNo}`);
    const result = await jobWorker(event);
    expect(result.batchItemFailures.map((f) => f.itemIdentifier)).toEqual(event.Records.map((r) => r.messageId));
  });
});
