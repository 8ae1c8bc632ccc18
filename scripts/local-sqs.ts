import { createHash, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import type { Job } from "../lib/jobs/job";
import { LocalJobQueue } from "../lib/jobs/local-queue";

/**
 * `npm start`'s stand-in for the SQS FIFO job queue: the functions send to it with the real SQS client
 * (SendMessage, JSON protocol), and it hands each message to the job-worker function through
 * serverless-offline's Lambda invoke API, as an SQS event. Like the deployed queue: one message group at a
 * time in order, deduplication by job id, a failed message (thrown, or listed in batchItemFailures) received
 * again up to maxReceiveCount times; the worker records the dead letter itself on the last receive.
 */
export interface LocalSqs {
  queueUrl: string;
  /** Resolves when every message received so far has been handled (Ctrl-C). */
  drain(): Promise<void>;
  close(): Promise<void>;
}

const MAX_RECEIVES = 5; // infra/queues.yml's maxReceiveCount

export async function startLocalSqs(options: { host: string; invokeUrl: string; queueName: string; warn: (line: string) => void }): Promise<LocalSqs> {
  const queue = new LocalJobQueue(
    (job, attempt) => invokeWorker(options.invokeUrl, job, attempt),
    async (job, error) => options.warn(`job ${job.kind} of ${job.group} failed ${MAX_RECEIVES} times, dead-lettered: ${String(error)}`),
    MAX_RECEIVES,
  );
  const server = createServer((req, res) => void receive(req, res, queue));
  await new Promise<void>((resolve) => server.listen(0, options.host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    queueUrl: `http://${options.host}:${port}/000000000000/${options.queueName}`,
    drain: () => queue.drain(),
    close: () => new Promise((resolve) => (server.close(() => resolve()), server.closeAllConnections())),
  };
}

async function receive(req: IncomingMessage, res: ServerResponse, queue: LocalJobQueue): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const fail = (status: number, type: string, message: string): void =>
    void res.writeHead(status, { "content-type": "application/x-amz-json-1.0" }).end(JSON.stringify({ __type: type, message }));
  if (req.headers["x-amz-target"] !== "AmazonSQS.SendMessage") return fail(400, "InvalidAction", "only SendMessage is served locally");
  let body: string;
  let job: Job;
  try {
    body = (JSON.parse(Buffer.concat(chunks).toString("utf8")) as { MessageBody: string }).MessageBody;
    job = JSON.parse(body) as Job;
  } catch {
    return fail(400, "InvalidParameterValue", "MessageBody must be a job as JSON");
  }
  await queue.enqueue(job);
  const md5 = createHash("md5").update(body).digest("hex"); // the SDK checks it
  res.writeHead(200, { "content-type": "application/x-amz-json-1.0" }).end(JSON.stringify({ MessageId: randomUUID(), MD5OfMessageBody: md5, SequenceNumber: "0" }));
}

/** One SQS record to the worker; throws when it reports the record failed, so the queue receives it again. */
async function invokeWorker(invokeUrl: string, job: Job, receiveCount: number): Promise<void> {
  const messageId = randomUUID();
  const event = {
    Records: [
      {
        messageId,
        receiptHandle: messageId,
        body: JSON.stringify(job),
        attributes: { ApproximateReceiveCount: String(receiveCount), MessageGroupId: job.group, MessageDeduplicationId: `${job.kind}#${job.dedupeId}` },
        messageAttributes: {},
        md5OfBody: "",
        eventSource: "aws:sqs",
        eventSourceARN: "arn:aws:sqs:local:000000000000:local-jobs.fifo",
        awsRegion: "local",
      },
    ],
  } as unknown as SQSEvent;
  const res = await fetch(invokeUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(event) });
  const text = await res.text();
  if (!res.ok || res.headers.get("x-amz-function-error")) throw new Error(`job worker invoke failed (${res.status}): ${text.slice(0, 200)}`);
  const result = (text ? JSON.parse(text) : {}) as Partial<SQSBatchResponse>;
  if (result.batchItemFailures?.length) throw new Error("job worker reported the message failed");
}
