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

beforeAll(async () => {
  sqs = await startRecordingServer((req, res) => {
    if (failNext) {
      res.writeHead(500, { "content-type": "application/x-amz-json-1.0" }).end(JSON.stringify({ __type: "InternalError", message: "boom" }));
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
