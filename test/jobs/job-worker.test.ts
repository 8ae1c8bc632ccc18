import type { SQSEvent, SQSRecord } from "aws-lambda";
import { handler as jobWorker } from "../../functions/job-worker";
import { say, type Turn } from "../../lib/conversation";
import { defineBot } from "../../lib/engine/bot";
import { jobHandlers } from "../../lib/jobs/handlers";
import { jobBodies } from "../../lib/jobs/job";
import { sqsWorker } from "../../lib/jobs/sqs-worker";
import { beginCorrelation, logger } from "../../lib/log";
import { useRuntime, type Runtime } from "../../lib/runtime";
import { lambdaContext, redelivered, sqsRecord, twowayTurnJob } from "../support/jobs-sqs";
import { startTestStore, type TestStore } from "../support/local-dynamo";
import { startOutboundCm, type OutboundCm } from "../support/outbound-cm";
import { processedIds } from "../support/processed-ids";

/**
 * The SQS worker Lambda against the real embedded store, replies POSTed to a local stand-in of CM: conversations
 * isolated by message group, the invocation's clock respected, finished work never sent twice, every log line of
 * a job carrying its correlation id.
 */
let store: TestStore;
let rt: Runtime;
let cm: OutboundCm;
beforeAll(async () => {
  store = await startTestStore();
  cm = await startOutboundCm();
  const bot = defineBot({ initial: "echo", defaultState: "echo", states: { echo: (ctx) => ({ messages: [say(`echo ${ctx.text}`)] }) } });
  rt = store.runtime({ bot, env: { TWOWAY_OUTBOUND_URL: cm.outboundUrl, CM_PRODUCT_TOKEN: "6b5f2a8e-1111-4c3d-9e7f-0a1b2c3d4e5f", TWOWAY_RETRY_DELAYS_MS: "5,10" } });
  useRuntime(rt);
});
beforeEach(() => cm.reset());
afterAll(async () => {
  useRuntime(undefined);
  await cm.close();
  await store.close();
});

let n = 0;
const chat = (name: string) => `${name}-${++n}`;
const failed = (result: { batchItemFailures: Array<{ itemIdentifier: string }> }) => result.batchItemFailures.map((f) => f.itemIdentifier);
const record = (messageId: string, body: unknown, receives = 1): SQSRecord =>
  ({ messageId, body: JSON.stringify(body), attributes: { ApproximateReceiveCount: String(receives) } }) as unknown as SQSRecord;
const lateReply = (conversationId: string, messageId: string) => ({
  kind: "kommunicate.late-reply",
  group: `kommunicate#${conversationId}`,
  dedupeId: messageId,
  payload: {
    turn: { platform: "kommunicate", conversationId, userId: "u", messageId, message: { type: "text", text: "q" }, receivedAt: 0 } satisfies Turn,
  },
});

test("records without a message group are one group: a failure is reported with every later record of the batch", async () => {
  const event = {
    Records: [
      record("r1", lateReply("worker-1", "k1")),
      record("r2", { kind: "nobody.handles-this", group: "g", dedupeId: "x", payload: {} }),
      record("r3", lateReply("worker-1", "k2")),
      record("r4", "not a job"),
    ],
  } as SQSEvent;
  const result = await jobWorker(event, lambdaContext(60_000));
  expect(failed(result)).toEqual(["r2", "r3", "r4"]);
  // r1 ran: the turn is recorded and its (undelivered, no API key) answer is in the events table.
  const session = await rt.sessions.load("kommunicate", "worker-1", Date.now());
  expect(processedIds(session!.processed, ["k1"])).toEqual(["k1"]);
  const [event1] = await rt.events.list("conv#kommunicate#worker-1");
  expect(event1).toMatchObject({ type: "kommunicate.late_reply_recorded", data: { messages: [{ message: "echo q" }] } });
});

test("the last try before the dead-letter queue is also recorded in the events table", async () => {
  const bad = { kind: "nobody.handles-this", group: "g", dedupeId: "dl-1", payload: {} };
  expect((await jobWorker({ Records: [record("r1", bad, 4)] } as SQSEvent, lambdaContext(60_000))).batchItemFailures).toHaveLength(1);
  expect((await rt.events.list("jobs#dead-letter")).some((e) => (e.data as any).job.dedupeId === "dl-1")).toBe(false);
  expect((await jobWorker({ Records: [record("r1", bad, 5)] } as SQSEvent, lambdaContext(60_000))).batchItemFailures).toHaveLength(1);
  const [dead] = await rt.events.list("jobs#dead-letter");
  expect(dead).toMatchObject({ type: "job.dead_letter", data: { job: bad, error: expect.stringContaining("nobody.handles-this") } });
});

test("two conversations, one failing at CM: the other is answered in the same invocation, only the failing group is reported", async () => {
  const [bad, good] = [chat("bad"), chat("good")];
  cm.failing.add(bad);
  const records = [
    sqsRecord(twowayTurnJob(bad, `${bad}-1`, "one")),
    sqsRecord(twowayTurnJob(good, `${good}-1`, "one")),
    sqsRecord(twowayTurnJob(bad, `${bad}-2`, "two")),
    sqsRecord(twowayTurnJob(good, `${good}-2`, "two")),
  ];
  const result = await jobWorker({ Records: records }, lambdaContext(60_000));
  // The failing chat's first reply was tried (3 POSTs), its second never started: both reported, nothing else.
  expect(failed(result)).toEqual([records[0]!.messageId, records[2]!.messageId]);
  expect(cm.textsFor(good)).toEqual(["echo one", "echo two"]);
  expect(cm.textsFor(bad)).toEqual(["echo one", "echo one", "echo one"]);
});

test("a redelivered finished batch sends nothing again; a rerun of the failed group sends only what is left", async () => {
  const [bad, good] = [chat("bad"), chat("good")];
  cm.failing.add(bad);
  const event = { Records: [sqsRecord(twowayTurnJob(good, `${good}-1`, "one")), sqsRecord(twowayTurnJob(bad, `${bad}-1`, "one")), sqsRecord(twowayTurnJob(good, `${good}-2`, "two"))] };
  expect(failed(await jobWorker(event, lambdaContext(60_000)))).toEqual([event.Records[1]!.messageId]);
  const sent = cm.requests.length;

  // The whole batch again (SQS after a timed-out invocation), CM now up: only the failed reply goes out.
  cm.failing.clear();
  expect(failed(await jobWorker(redelivered(event), lambdaContext(60_000)))).toEqual([]);
  expect(cm.requests.length).toBe(sent + 1);
  expect(cm.textsFor(good)).toEqual(["echo one", "echo two"]);
  // And once more: everything is done, nothing is sent.
  expect(failed(await jobWorker(redelivered(redelivered(event)), lambdaContext(60_000)))).toEqual([]);
  expect(cm.requests.length).toBe(sent + 1);
});

test("a finished job leaves a completion record: redelivered, its handler does not run again", async () => {
  let runs = 0;
  const worker = sqsWorker({ runtime: async () => rt, handlers: { "test.count": async () => void runs++ } });
  const event = { Records: [sqsRecord({ kind: "test.count", group: "count", dedupeId: chat("count"), payload: {} })] };
  expect(failed(await worker(event, lambdaContext(60_000)))).toEqual([]);
  expect(failed(await worker(redelivered(event), lambdaContext(60_000)))).toEqual([]);
  expect(runs).toBe(1);
});

test("a TwoWay reply already sent is not sent again when the job is rerun before its completion was recorded", async () => {
  const id = chat("partial");
  const job = twowayTurnJob(id, `${id}-1`, "one");
  await jobWorker({ Records: [sqsRecord(job)] }, lambdaContext(60_000));
  // As if the invocation was cut off after the POST: the completion record is lost, the reply's progress is not.
  const { DeleteCommand } = await import("@aws-sdk/lib-dynamodb");
  const { jobDoneKey } = await import("../../lib/session/keys");
  await rt.doc.send(new DeleteCommand({ TableName: store.tables.EVENTS_TABLE, Key: { pk: jobDoneKey(job.kind, job.group, job.dedupeId), sk: "delivered" } }));
  expect(failed(await jobWorker({ Records: [sqsRecord(job, { receives: 2 })] }, lambdaContext(60_000)))).toEqual([]);
  expect(cm.textsFor(id)).toEqual(["echo one"]);
});

test("with too little time left no record starts: all are reported at once, nothing is sent", async () => {
  const id = chat("late");
  const records = [sqsRecord(twowayTurnJob(id, `${id}-1`, "one")), sqsRecord(twowayTurnJob(chat("late"), "x-1", "one"))];
  const context = lambdaContext(32_000); // under the 30 s job budget + 3 s to finish
  const started = Date.now();
  const result = await jobWorker({ Records: records }, context);
  expect(failed(result)).toEqual(records.map((r) => r.messageId));
  expect(cm.requests).toHaveLength(0);
  expect(context.remainingAt(Date.now())).toBeGreaterThan(30_000);
  expect(Date.now() - started).toBeLessThan(1_000);
});

describe("the clock, on a budget shrunk to a few seconds (1.2 s per job, 0.2 s to finish, a 3 s invocation)", () => {
  const budget = { jobMs: 1_200, finishMs: 200 };
  const worker = sqsWorker({ runtime: async () => rt, handlers: jobHandlers, budget });

  test("ten slow conversations: jobs start while a whole one fits, the rest are reported, and it returns before the timeout", async () => {
    const chats = Array.from({ length: 10 }, () => chat("slow"));
    chats.forEach((c) => cm.slow.set(c, 400));
    const records = chats.map((c) => sqsRecord(twowayTurnJob(c, `${c}-1`, "hi")));
    const context = lambdaContext(3_000);
    const result = await worker({ Records: records }, context);
    const returnedWith = context.remainingAt(Date.now());
    const answered = chats.filter((c) => cm.textsFor(c).length > 0);
    expect(answered.length).toBeGreaterThanOrEqual(2);
    expect(answered.length).toBeLessThan(10);
    // Exactly the unanswered ones are reported, and in time.
    expect(failed(result)).toEqual(records.filter((_, i) => !answered.includes(chats[i]!)).map((r) => r.messageId));
    expect(returnedWith).toBeGreaterThan(0);
  });

  test("a CM that never answers is cut at the job's deadline: reported, and the worker still returns in time", async () => {
    const [hung, next] = [chat("hung"), chat("next")];
    cm.hanging.add(hung);
    const records = [sqsRecord(twowayTurnJob(hung, `${hung}-1`, "hi")), sqsRecord(twowayTurnJob(next, `${next}-1`, "hi"))];
    const context = lambdaContext(3_000);
    const result = await worker({ Records: records }, context);
    expect(failed(result)).toContain(records[0]!.messageId);
    expect(context.remainingAt(Date.now())).toBeGreaterThan(0);
    // One POST only: the retries did not fit in what was left of the job's 1.2 s.
    expect(cm.textsFor(hung)).toEqual(["echo hi"]);
  });
});

test("every log line of a job carries the enqueueing request's correlation id, its kind, message id and receive count, and the Lambda context", async () => {
  beginCorrelation("webhook-req-42");
  const id = chat("logged");
  const [body] = jobBodies([twowayTurnJob(id, `${id}-1`, "hi")]);
  logger.resetKeys();
  expect(JSON.parse(body!).correlationId).toBe("webhook-req-42");

  const lines: string[] = [];
  const capture = (chunk: unknown) => (lines.push(String(chunk)), true);
  const spies = [jest.spyOn(process.stdout, "write").mockImplementation(capture), jest.spyOn(process.stderr, "write").mockImplementation(capture)];
  logger.setLogLevel("DEBUG");
  try {
    await jobWorker({ Records: [sqsRecord(JSON.parse(body!), { messageId: "msg-7", receives: 2 })] }, lambdaContext(60_000));
  } finally {
    logger.setLogLevel("SILENT");
    spies.forEach((s) => s.mockRestore());
  }
  const entries = lines.join("").split("\n").filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>);
  expect(entries.some((e) => e.message === "delivered to the TwoWay outbound URL")).toBe(true);
  for (const e of entries) {
    expect(e).toMatchObject({ correlationId: "webhook-req-42", jobKind: "twoway.turn", receiveCount: 2, function_name: "onebot-test-jobWorker", cold_start: expect.any(Boolean) });
  }
});
