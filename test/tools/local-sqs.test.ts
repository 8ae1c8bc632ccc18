import { SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { SqsJobQueue } from "../../lib/jobs/sqs-queue";
import { startLocalSqs, type LocalSqs } from "../../scripts/local-sqs";
import { startRecordingServer, type RecordingServer } from "../support/recording-server";

/**
 * npm start's SQS stand-in, between the real SQS client (SqsJobQueue) and a stand-in of serverless-offline's
 * Lambda invoke API: messages reach the worker as SQS events in batches across conversations, failures come
 * back after the visibility timeout with a growing ApproximateReceiveCount, one group's messages stay in order
 * and in one batch at a time, and a message that keeps failing moves to the dead letters.
 */
interface Received {
  messageId: string;
  body: string;
  attributes: Record<string, string>;
  at: number;
}
const VISIBILITY_MS = 150;
let worker: RecordingServer;
let sqs: LocalSqs;
const warnings: string[] = [];
/** How the worker stand-in answers, by job dedupeId: how many receives fail before one succeeds. */
const failFirst = new Map<string, number>();
/** How long the worker stand-in takes per batch holding this dedupeId. */
const slow = new Map<string, number>();
const batches: Received[][] = [];
/** Groups held by batches in flight, to catch two batches holding one group. */
const inFlight = new Map<string, number>();
let overlaps = 0;

beforeAll(async () => {
  worker = await startRecordingServer(async (req, res) => {
    const records = (JSON.parse(req.body) as { Records: Received[] }).Records.map((r) => ({ ...r, at: Date.now() }));
    batches.push(records);
    const ids = records.map((r) => (JSON.parse(r.body) as { dedupeId: string }).dedupeId);
    if (ids.includes("unknown-function")) return void res.writeHead(404, { "content-type": "application/json" }).end('{"Message":"Function not found"}');
    const groups = [...new Set(records.map((r) => r.attributes.MessageGroupId!))];
    for (const g of groups) {
      if (inFlight.get(g)) overlaps++;
      inFlight.set(g, (inFlight.get(g) ?? 0) + 1);
    }
    await new Promise((r) => setTimeout(r, Math.max(0, ...ids.map((id) => slow.get(id) ?? 0))));
    for (const g of groups) inFlight.set(g, inFlight.get(g)! - 1);
    const failed = records.filter((r, i) => Number(r.attributes.ApproximateReceiveCount) <= (failFirst.get(ids[i]!) ?? 0));
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ batchItemFailures: failed.map((r) => ({ itemIdentifier: r.messageId })) }));
  });
  sqs = await startLocalSqs({
    host: "127.0.0.1",
    invokeUrl: `${worker.url}/2015-03-31/functions/w/invocations`,
    queueName: "t.fifo",
    warn: (l) => warnings.push(l),
    visibilityTimeoutMs: VISIBILITY_MS,
  });
});
afterAll(async () => {
  await sqs.close();
  await worker.close();
});

const client = () => new SQSClient({ endpoint: new URL(sqs.queueUrl).origin, region: "eu-central-1", maxAttempts: 1, credentials: { accessKeyId: "x", secretAccessKey: "y" } });
const job = (dedupeId: string, group = "g1") => ({ kind: "test.job", group, dedupeId, payload: { n: dedupeId } });
const dedupeOf = (r: Received) => (JSON.parse(r.body) as { dedupeId: string }).dedupeId;
const receives = (dedupeId: string) => batches.flat().filter((r) => dedupeOf(r) === dedupeId);
const delivered = (prefix: string) => batches.flat().map(dedupeOf).filter((id) => id.startsWith(prefix));

test("a message the worker reports failed is received again until it succeeds, with a growing receive count", async () => {
  failFirst.set("retry-1", 2);
  await new SqsJobQueue(sqs.queueUrl, client()).enqueue(job("retry-1"));
  await sqs.drain();
  expect(receives("retry-1").map((r) => r.attributes.ApproximateReceiveCount)).toEqual(["1", "2", "3"]);
  expect(JSON.parse(receives("retry-1")[0]!.body)).toEqual(job("retry-1"));
});

test("a failed message comes back only after the visibility timeout, with SQS's attributes and the same message id", async () => {
  failFirst.set("vis-1", 1);
  await new SqsJobQueue(sqs.queueUrl, client()).enqueue(job("vis-1", "vis"));
  await sqs.drain();
  const [first, second] = receives("vis-1");
  // Timed where the worker stand-in gets each batch: the first hop (a cold connection on a busy machine) may take
  // tens of ms longer than the second. An immediate redelivery would come within a few ms, far below this.
  expect(second!.at - first!.at).toBeGreaterThanOrEqual(VISIBILITY_MS - 50);
  expect(second!.messageId).toBe(first!.messageId);
  // As SqsJobQueue sent them: the group and deduplication ids are its hashes.
  expect(first!.attributes).toMatchObject({ ApproximateReceiveCount: "1", MessageGroupId: expect.stringMatching(/^[0-9a-f]{64}$/), MessageDeduplicationId: expect.stringMatching(/^[0-9a-f]{64}$/) });
  expect(second!.attributes.ApproximateReceiveCount).toBe("2");
});

test("one group's messages reach the worker in order; a re-sent job is deduplicated", async () => {
  const queue = new SqsJobQueue(sqs.queueUrl, client());
  failFirst.set("order-1", 1); // the first one fails once: the second still waits for it
  for (const id of ["order-1", "order-2", "order-3", "order-2"]) await queue.enqueue(job(id, "ordered"));
  await sqs.drain();
  expect(delivered("order-")).toEqual(["order-1", "order-1", "order-2", "order-3"]);
});

test("batches mix conversations (up to 10 records), keep each one's order, and never hold one group in two batches at once", async () => {
  const before = batches.length;
  slow.set("mix-a0", 100); // the first batch is still running while the rest is received
  const jobs = Array.from({ length: 4 }, (_, i) => ["a", "b", "c"].map((g) => job(`mix-${g}${i}`, `mix-${g}`))).flat();
  await new SqsJobQueue(sqs.queueUrl, client()).enqueueAll(jobs.slice(0, 1));
  await new SqsJobQueue(sqs.queueUrl, client()).enqueueAll(jobs.slice(1));
  await sqs.drain();
  const mine = batches.slice(before);
  expect(mine.some((b) => new Set(b.map((r) => r.attributes.MessageGroupId)).size > 1)).toBe(true);
  expect(Math.max(...mine.map((b) => b.length))).toBeLessThanOrEqual(10);
  for (const g of ["a", "b", "c"]) expect(delivered(`mix-${g}`)).toEqual([0, 1, 2, 3].map((i) => `mix-${g}${i}`));
  expect(overlaps).toBe(0);
});

test("a message that never succeeds moves to the dead letters after maxReceiveCount (5) receives, with a warning", async () => {
  await new SqsJobQueue(sqs.queueUrl, client()).enqueue(job("unknown-function"));
  await sqs.drain();
  expect(receives("unknown-function").map((r) => r.attributes.ApproximateReceiveCount)).toEqual(["1", "2", "3", "4", "5"]);
  expect(warnings.some((w) => w.includes("failed 5 times") && w.includes("404"))).toBe(true);
  expect(sqs.deadLetters.map((m) => JSON.parse(m.body).dedupeId)).toContain("unknown-function");
});

test("SendMessageBatch, as the real client sends it: every entry reaches the worker, a group's in order, duplicates once", async () => {
  const jobs = [...["batch-1", "batch-2", "batch-3"].map((id) => job(id, "batched")), job("batch-2", "batched"), ...Array.from({ length: 8 }, (_, i) => job(`batch-x${i}`, `other-${i}`))];
  await new SqsJobQueue(sqs.queueUrl, client()).enqueueAll(jobs);
  await sqs.drain();
  const order = delivered("batch-");
  expect(order.filter((id) => !id.startsWith("batch-x"))).toEqual(["batch-1", "batch-2", "batch-3"]);
  expect(order).toHaveLength(11);
});

test("a SendMessageBatch SQS would refuse is refused the same way, as errors the client knows by name", async () => {
  const entry = (id: string) => ({ Id: id, MessageBody: JSON.stringify(job(`refused-${id}`)), MessageGroupId: "g", MessageDeduplicationId: id });
  const send = (Entries: Array<ReturnType<typeof entry>>) => client().send(new SendMessageBatchCommand({ QueueUrl: sqs.queueUrl, Entries }));
  await expect(send(Array.from({ length: 11 }, (_, i) => entry(`e${i}`)))).rejects.toMatchObject({ name: "TooManyEntriesInBatchRequest" });
  await expect(send([])).rejects.toMatchObject({ name: "EmptyBatchRequest" });
  await expect(send([entry("a"), entry("a")])).rejects.toMatchObject({ name: "BatchEntryIdsNotDistinct" });
  await expect(send([entry("b"), { ...entry("c"), MessageBody: "x".repeat(256 * 1024) }])).rejects.toMatchObject({ name: "BatchRequestTooLong" });
  // An entry that is not a job fails alone, as SQS reports an entry it refuses.
  const out = await send([entry("d"), { ...entry("e"), MessageBody: "not a job" }]);
  expect({ ok: out.Successful?.map((e) => e.Id), failed: out.Failed?.map((e) => [e.Id, e.SenderFault]) }).toEqual({ ok: ["d"], failed: [["e", true]] });
  await sqs.drain();
  expect(delivered("refused-")).toEqual(["refused-d"]);
});

test("anything but SendMessage and SendMessageBatch is refused with an SQS-style JSON error", async () => {
  const res = await fetch(sqs.queueUrl, { method: "POST", headers: { "x-amz-target": "AmazonSQS.DeleteQueue" }, body: "{}" });
  expect(res.status).toBe(400);
  expect(await res.json()).toMatchObject({ __type: "InvalidAction" });
});
