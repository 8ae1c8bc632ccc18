import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { buildFunctionBundle, lambdaEnvironment, startBundleProcess, type BundleProcess } from "../support/lambda-bundle";
import { redelivered, sqsRecord, twowayTurnJob } from "../support/jobs-sqs";
import { startTestStore, type TestStore } from "../support/local-dynamo";
import { startOutboundCm, type OutboundCm } from "../support/outbound-cm";

/**
 * The "done when", on the job worker as deployed: functions/job-worker.ts bundled with serverless.yml's
 * esbuild options, run in a Node process of its own with a Lambda context, against the embedded store and a
 * local stand-in of CM's outbound endpoint that counts every POST.
 */
let store: TestStore;
let cm: OutboundCm;
let bundle: { file: string; dispose(): void };
let fn: BundleProcess;

beforeAll(async () => {
  [store, cm, bundle] = await Promise.all([startTestStore(), startOutboundCm(), buildFunctionBundle("functions/job-worker.ts")]);
  fn = startBundleProcess(bundle.file, {
    ...lambdaEnvironment("jobWorker", store),
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    TWOWAY_OUTBOUND_URL: cm.outboundUrl,
    CM_PRODUCT_TOKEN: "6b5f2a8e-1111-4c3d-9e7f-0a1b2c3d4e5f",
    TWOWAY_RETRY_DELAYS_MS: "5,10",
  });
}, 60_000);
beforeEach(() => cm.reset());
afterAll(async () => {
  await fn?.close();
  bundle?.dispose();
  await cm?.close();
  await store?.close();
});

const failed = (result: SQSBatchResponse) => result.batchItemFailures.map((f) => f.itemIdentifier);
/** Two conversations, two messages each, interleaved as SQS may batch them. */
function batchOfTwo(bad: string, good: string): SQSEvent {
  return {
    Records: [
      sqsRecord(twowayTurnJob(bad, `${bad}-1`, "hi", "webhook-request-1")),
      sqsRecord(twowayTurnJob(good, `${good}-1`, "hi", "webhook-request-2")),
      sqsRecord(twowayTurnJob(bad, `${bad}-2`, "menu", "webhook-request-3")),
      sqsRecord(twowayTurnJob(good, `${good}-2`, "menu", "webhook-request-4")),
    ],
  };
}
const posts = (chatId: string) => cm.requests.filter((r) => (JSON.parse(r.body) as { chat: { id: string } }).chat.id === chatId).length;

test("a batch of two conversations, one failing: the other is answered in the same invocation and only the failing group is reported", async () => {
  cm.failing.add("pkg-bad-1");
  const event = batchOfTwo("pkg-bad-1", "pkg-good-1");
  const result = await fn.invoke<SQSBatchResponse>(event, 60_000);
  expect(failed(result)).toEqual([event.Records[0]!.messageId, event.Records[2]!.messageId]);
  expect(posts("pkg-good-1")).toBe(2);
  expect(posts("pkg-bad-1")).toBe(3); // the first message's three tries; the second never started
  // The bundle's log lines of a job carry the webhook's correlation id and the Lambda context.
  const lines = fn.output().split("\n").filter((l) => l.includes('"webhook-request-1"'));
  expect(lines.length).toBeGreaterThan(0);
  for (const line of lines) expect(JSON.parse(line)).toMatchObject({ jobKind: "twoway.turn", function_name: "onebot-local-jobWorker", receiveCount: 1 });
});

test("a redelivered finished batch sends nothing again; the failed conversation's replies go out once", async () => {
  cm.failing.add("pkg-bad-2");
  const event = batchOfTwo("pkg-bad-2", "pkg-good-2");
  await fn.invoke<SQSBatchResponse>(event, 60_000);
  expect(posts("pkg-good-2")).toBe(2);
  cm.failing.clear();
  expect(failed(await fn.invoke<SQSBatchResponse>(redelivered(event), 60_000))).toEqual([]);
  expect(failed(await fn.invoke<SQSBatchResponse>(redelivered(redelivered(event)), 60_000))).toEqual([]);
  expect(posts("pkg-good-2")).toBe(2);
  expect(posts("pkg-bad-2")).toBe(3 + 2);
});

test("a batch with too little time left returns before the time runs out, reporting the records it did not start", async () => {
  // 34 s left: one job fits (30 s budget + 3 s to finish); it takes 1.5 s at CM, then none fits any more.
  cm.slow.set("pkg-slow-1", 1_500);
  const event = batchOfTwo("pkg-slow-1", "pkg-later-1");
  const started = Date.now();
  const result = await fn.invoke<SQSBatchResponse>(event, 34_000);
  expect(Date.now() - started).toBeLessThan(10_000);
  expect(failed(result)).toEqual(event.Records.slice(1).map((r) => r.messageId));
  expect([posts("pkg-slow-1"), posts("pkg-later-1")]).toEqual([1, 0]);

  // With less than one job's time left nothing starts at all.
  const none = batchOfTwo("pkg-slow-2", "pkg-later-2");
  expect(failed(await fn.invoke<SQSBatchResponse>(none, 20_000))).toEqual(none.Records.map((r) => r.messageId));
  expect(cm.requests).toHaveLength(1);
});
