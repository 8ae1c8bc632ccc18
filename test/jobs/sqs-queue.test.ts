import { createHash } from "node:crypto";
import { SQSClient } from "@aws-sdk/client-sqs";
import { SqsJobQueue } from "../../lib/jobs/sqs-queue";
import { StoreUnavailableError } from "../../lib/session/errors";
import { startRecordingServer, type RecordingServer } from "../support/recording-server";

/**
 * SqsJobQueue against a local stand-in of SQS's JSON protocol (SQS itself cannot run here): the request
 * the AWS SDK really sends, with the FIFO group and deduplication ids.
 */
const md5 = (text: string) => createHash("md5").update(text).digest("hex");
const sha256 = (text: string) => createHash("sha256").update(text).digest("hex");
let sqs: RecordingServer;
let failNext = false;
/** SendMessageBatch: how many more times each job (by dedupeId) is answered as a Failed entry. */
const failEntries = new Map<string, number>();

beforeAll(async () => {
  sqs = await startRecordingServer((req, res) => {
    if (failNext) {
      res.writeHead(500, { "content-type": "application/x-amz-json-1.0" }).end(JSON.stringify({ __type: "InternalError", message: "boom" }));
      return;
    }
    if (req.headers["x-amz-target"] === "AmazonSQS.SendMessageBatch") {
      // As SQS answers: each entry either Successful or Failed (here: the jobs told to fail, as often as told).
      const { Entries } = JSON.parse(req.body) as { Entries: Array<{ Id: string; MessageBody: string }> };
      const failed = Entries.filter((e) => {
        const { dedupeId } = JSON.parse(e.MessageBody) as { dedupeId: string };
        const left = failEntries.get(dedupeId) ?? 0;
        if (left > 0) failEntries.set(dedupeId, left - 1);
        return left > 0;
      });
      const Successful = Entries.filter((e) => !failed.includes(e)).map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}`, MD5OfMessageBody: md5(e.MessageBody), SequenceNumber: "1" }));
      const Failed = failed.map((e) => ({ Id: e.Id, SenderFault: false, Code: "InternalError", Message: "try again" }));
      res.writeHead(200, { "content-type": "application/x-amz-json-1.0" }).end(JSON.stringify({ Successful, Failed }));
      return;
    }
    const { MessageBody } = JSON.parse(req.body) as { MessageBody: string };
    res.writeHead(200, { "content-type": "application/x-amz-json-1.0" }).end(JSON.stringify({ MessageId: "m-1", MD5OfMessageBody: md5(MessageBody), SequenceNumber: "1" }));
  });
});
afterAll(() => sqs.close());

const client = () => new SQSClient({ endpoint: sqs.url, region: "eu-central-1", maxAttempts: 1, credentials: { accessKeyId: "x", secretAccessKey: "y" } });
const job = { kind: "kommunicate.late-reply", group: "kommunicate#g1", dedupeId: "key-1", payload: { turn: { conversationId: "g1" } } };

test("sends the job as a FIFO message: group = conversation, deduplication id = job id (hashed to SQS's alphabet)", async () => {
  const queueUrl = `${sqs.url}/123456789012/onebot-prod-jobs.fifo`;
  await new SqsJobQueue(queueUrl, client()).enqueue(job);
  const request = sqs.requests.at(-1)!;
  expect(request.headers["x-amz-target"]).toBe("AmazonSQS.SendMessage");
  expect(JSON.parse(request.body)).toEqual({
    QueueUrl: queueUrl,
    MessageBody: JSON.stringify(job),
    MessageGroupId: sha256("kommunicate#g1"),
    MessageDeduplicationId: sha256("kommunicate.late-reply#key-1"),
  });
});

test("an SQS failure surfaces as StoreUnavailableError (a 503 for the webhook, so the platform retries)", async () => {
  failNext = true;
  try {
    await expect(new SqsJobQueue(`${sqs.url}/1/q.fifo`, client()).enqueue(job)).rejects.toBeInstanceOf(StoreUnavailableError);
  } finally {
    failNext = false;
  }
});

describe("enqueueAll", () => {
  type Entry = { Id: string; MessageBody: string; MessageGroupId: string; MessageDeduplicationId: string };
  const queueUrl = () => `${sqs.url}/123456789012/onebot-prod-jobs.fifo`;
  const many = (n: number, payload: Record<string, unknown> = {}) =>
    Array.from({ length: n }, (_, i) => ({ kind: "twoway.turn", group: `twoway#c${i % 2}`, dedupeId: `m${i}`, payload }));
  /** The batch requests sent by `run`, as their entries. */
  async function batches(run: () => Promise<void>): Promise<Entry[][]> {
    const from = sqs.requests.length;
    await run();
    const sent = sqs.requests.slice(from);
    expect(sent.map((r) => r.headers["x-amz-target"])).toEqual(sent.map(() => "AmazonSQS.SendMessageBatch"));
    return sent.map((r) => (JSON.parse(r.body) as { Entries: Entry[] }).Entries);
  }

  test("sends at most 10 jobs per SendMessageBatch request, in order, each a FIFO message like enqueue's", async () => {
    const jobs = many(23);
    const sent = await batches(() => new SqsJobQueue(queueUrl(), client()).enqueueAll(jobs));
    expect(sent.map((entries) => entries.length)).toEqual([10, 10, 3]);
    expect(sent.flat().map((e) => JSON.parse(e.MessageBody))).toEqual(jobs);
    expect(sent.flat()[3]).toMatchObject({ MessageGroupId: sha256("twoway#c1"), MessageDeduplicationId: sha256("twoway.turn#m3") });
    for (const entries of sent) expect(new Set(entries.map((e) => e.Id)).size).toBe(entries.length);
  });

  test("keeps each request within SQS's 256 KB for all its messages together", async () => {
    const jobs = many(5, { text: "x".repeat(100_000) });
    const sent = await batches(() => new SqsJobQueue(queueUrl(), client()).enqueueAll(jobs));
    expect(sent.map((entries) => entries.length)).toEqual([2, 2, 1]);
    for (const entries of sent) expect(entries.reduce((sum, e) => sum + Buffer.byteLength(e.MessageBody), 0)).toBeLessThanOrEqual(256 * 1024);
  });

  test("entries SQS reports Failed are sent again, in their order, until accepted", async () => {
    failEntries.set("m4", 1).set("m6", 2);
    const sent = await batches(() => new SqsJobQueue(queueUrl(), client()).enqueueAll(many(8)));
    expect(sent.map((entries) => entries.map((e) => (JSON.parse(e.MessageBody) as { dedupeId: string }).dedupeId))).toEqual([
      ["m0", "m1", "m2", "m3", "m4", "m5", "m6", "m7"],
      ["m4", "m6"],
      ["m6"],
    ]);
  });

  test("entries that keep failing surface as StoreUnavailableError (a 503, so the platform delivers again)", async () => {
    failEntries.set("m1", 100);
    try {
      await expect(new SqsJobQueue(queueUrl(), client()).enqueueAll(many(3))).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      failEntries.clear();
    }
  });

  test("a request that fails as a whole surfaces as StoreUnavailableError; nothing to send sends nothing", async () => {
    failNext = true;
    try {
      await expect(new SqsJobQueue(queueUrl(), client()).enqueueAll(many(2))).rejects.toBeInstanceOf(StoreUnavailableError);
    } finally {
      failNext = false;
    }
    expect(await batches(() => new SqsJobQueue(queueUrl(), client()).enqueueAll([]))).toEqual([]);
  });
});
