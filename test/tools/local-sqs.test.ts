import { SendMessageBatchCommand, SQSClient } from "@aws-sdk/client-sqs";
import { SqsJobQueue } from "../../lib/jobs/sqs-queue";
import { startLocalSqs, type LocalSqs } from "../../scripts/local-sqs";
import { startRecordingServer, type RecordingServer } from "../support/recording-server";

/**
 * npm start's SQS stand-in, between the real SQS client (SqsJobQueue) and a stand-in of serverless-offline's
 * Lambda invoke API: each message reaches the worker as an SQS event, failures are received again with a
 * growing ApproximateReceiveCount, and one group's messages stay in order.
 */
let worker: RecordingServer;
let sqs: LocalSqs;
const warnings: string[] = [];
/** How the worker stand-in answers, by job dedupeId: how many receives fail before one succeeds. */
const failFirst = new Map<string, number>();

beforeAll(async () => {
  worker = await startRecordingServer((req, res) => {
    const record = (JSON.parse(req.body) as { Records: Array<{ messageId: string; body: string; attributes: Record<string, string> }> }).Records[0]!;
    const { dedupeId } = JSON.parse(record.body) as { dedupeId: string };
    const fails = Number(record.attributes.ApproximateReceiveCount) <= (failFirst.get(dedupeId) ?? 0);
    if (dedupeId === "unknown-function") return void res.writeHead(404, { "content-type": "application/json" }).end('{"Message":"Function not found"}');
    res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify({ batchItemFailures: fails ? [{ itemIdentifier: record.messageId }] : [] }));
  });
  sqs = await startLocalSqs({ host: "127.0.0.1", invokeUrl: `${worker.url}/2015-03-31/functions/w/invocations`, queueName: "t.fifo", warn: (l) => warnings.push(l) });
});
afterAll(async () => {
  await sqs.close();
  await worker.close();
});

const client = () => new SQSClient({ endpoint: new URL(sqs.queueUrl).origin, region: "eu-central-1", maxAttempts: 1, credentials: { accessKeyId: "x", secretAccessKey: "y" } });
const job = (dedupeId: string, group = "g1") => ({ kind: "test.job", group, dedupeId, payload: { n: dedupeId } });
const receives = (dedupeId: string) =>
  worker.requests
    .map((r) => (JSON.parse(r.body) as { Records: Array<{ body: string; attributes: Record<string, string> }> }).Records[0]!)
    .filter((r) => (JSON.parse(r.body) as { dedupeId: string }).dedupeId === dedupeId);

test("a message the worker reports failed is received again until it succeeds, with a growing receive count", async () => {
  failFirst.set("retry-1", 2);
  await new SqsJobQueue(sqs.queueUrl, client()).enqueue(job("retry-1"));
  await sqs.drain();
  expect(receives("retry-1").map((r) => r.attributes.ApproximateReceiveCount)).toEqual(["1", "2", "3"]);
  expect(JSON.parse(receives("retry-1")[0]!.body)).toEqual(job("retry-1"));
});

test("one group's messages reach the worker in order; a re-sent job is deduplicated", async () => {
  const queue = new SqsJobQueue(sqs.queueUrl, client());
  failFirst.set("order-1", 1); // the first one fails once: the second still waits for it
  for (const id of ["order-1", "order-2", "order-3", "order-2"]) await queue.enqueue(job(id, "ordered"));
  await sqs.drain();
  const order = worker.requests
    .map((r) => (JSON.parse((JSON.parse(r.body) as { Records: Array<{ body: string }> }).Records[0]!.body) as { dedupeId: string }).dedupeId)
    .filter((id) => id.startsWith("order-"));
  expect(order).toEqual(["order-1", "order-1", "order-2", "order-3"]);
});

test("a message that never succeeds is given up after maxReceiveCount (5) with a warning", async () => {
  await new SqsJobQueue(sqs.queueUrl, client()).enqueue(job("unknown-function"));
  await sqs.drain();
  expect(receives("unknown-function")).toHaveLength(5);
  expect(warnings.some((w) => w.includes("failed 5 times") && w.includes("404"))).toBe(true);
});

test("SendMessageBatch, as the real client sends it: every entry reaches the worker, a group's in order, duplicates once", async () => {
  const jobs = [...["batch-1", "batch-2", "batch-3"].map((id) => job(id, "batched")), job("batch-2", "batched"), ...Array.from({ length: 8 }, (_, i) => job(`batch-x${i}`, `other-${i}`))];
  await new SqsJobQueue(sqs.queueUrl, client()).enqueueAll(jobs);
  await sqs.drain();
  const order = worker.requests
    .map((r) => (JSON.parse((JSON.parse(r.body) as { Records: Array<{ body: string }> }).Records[0]!.body) as { dedupeId: string }).dedupeId)
    .filter((id) => id.startsWith("batch-"));
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
  expect(worker.requests.filter((r) => r.body.includes("refused-")).length).toBe(1);
});

test("anything but SendMessage and SendMessageBatch is refused with an SQS-style JSON error", async () => {
  const res = await fetch(sqs.queueUrl, { method: "POST", headers: { "x-amz-target": "AmazonSQS.DeleteQueue" }, body: "{}" });
  expect(res.status).toBe(400);
  expect(await res.json()).toMatchObject({ __type: "InvalidAction" });
});
