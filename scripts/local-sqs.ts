import { createHash, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { SQSBatchResponse, SQSEvent } from "aws-lambda";
import { isJob, type Job } from "../lib/jobs/job";
import { LocalJobQueue } from "../lib/jobs/local-queue";
import { MAX_BATCH_BYTES, MAX_BATCH_ENTRIES } from "../lib/jobs/sqs-queue";

/**
 * `npm start`'s stand-in for the SQS FIFO job queue: the functions send to it with the real SQS client
 * (SendMessage and SendMessageBatch, JSON protocol), and it hands each message to the job-worker function through
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

const JSON_10 = { "content-type": "application/x-amz-json-1.0" };

/** A job, or undefined when the message body is not one. */
function jobOf(body: unknown): Job | undefined {
  if (typeof body !== "string") return undefined;
  try {
    const job = JSON.parse(body) as unknown;
    return isJob(job) ? job : undefined;
  } catch {
    return undefined;
  }
}

/** What SQS answers for an accepted message (the SDK checks the MD5 of each body). */
const accepted = (body: string) => ({ MessageId: randomUUID(), MD5OfMessageBody: createHash("md5").update(body).digest("hex"), SequenceNumber: "0" });

/** SendMessage and SendMessageBatch in SQS's JSON protocol (the one @aws-sdk/client-sqs speaks), errors as SQS names them. */
async function receive(req: IncomingMessage, res: ServerResponse, queue: LocalJobQueue): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const fail = (status: number, type: string, message: string): void => void res.writeHead(status, JSON_10).end(JSON.stringify({ __type: type, message }));
  const target = req.headers["x-amz-target"];
  if (target !== "AmazonSQS.SendMessage" && target !== "AmazonSQS.SendMessageBatch") return fail(400, "InvalidAction", "only SendMessage and SendMessageBatch are served locally");
  let input: { MessageBody?: unknown; Entries?: unknown };
  try {
    input = JSON.parse(Buffer.concat(chunks).toString("utf8")) as typeof input;
  } catch {
    return fail(400, "InvalidParameterValue", "the request is not JSON");
  }

  if (target === "AmazonSQS.SendMessage") {
    const job = jobOf(input.MessageBody);
    if (!job) return fail(400, "InvalidParameterValue", "MessageBody must be a job as JSON");
    await queue.enqueue(job);
    return void res.writeHead(200, JSON_10).end(JSON.stringify(accepted(input.MessageBody as string)));
  }

  const entries = (Array.isArray(input.Entries) ? input.Entries : []) as Array<{ Id?: unknown; MessageBody?: unknown }>;
  if (entries.length === 0) return fail(400, "com.amazonaws.sqs#EmptyBatchRequest", "There should be at least one SendMessageBatchRequestEntry in the request.");
  if (entries.length > MAX_BATCH_ENTRIES) return fail(400, "com.amazonaws.sqs#TooManyEntriesInBatchRequest", `Maximum number of entries per request are ${MAX_BATCH_ENTRIES}.`);
  if (new Set(entries.map((e) => e.Id)).size !== entries.length) return fail(400, "com.amazonaws.sqs#BatchEntryIdsNotDistinct", "Two or more batch entries in the request have the same Id.");
  const bytes = entries.reduce((sum, e) => sum + (typeof e.MessageBody === "string" ? Buffer.byteLength(e.MessageBody, "utf8") : 0), 0);
  if (bytes > MAX_BATCH_BYTES) return fail(400, "com.amazonaws.sqs#BatchRequestTooLong", `Batch requests cannot be longer than ${MAX_BATCH_BYTES} bytes.`);
  const Successful = [];
  const Failed = [];
  for (const entry of entries) {
    const job = jobOf(entry.MessageBody);
    if (!job) Failed.push({ Id: entry.Id, SenderFault: true, Code: "InvalidParameterValue", Message: "MessageBody must be a job as JSON" });
    else {
      await queue.enqueue(job); // in the entries' order, like SQS within a batch
      Successful.push({ Id: entry.Id, ...accepted(entry.MessageBody as string) });
    }
  }
  res.writeHead(200, JSON_10).end(JSON.stringify({ Successful, Failed }));
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
