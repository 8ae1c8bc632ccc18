import { createHash, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import type { SQSBatchResponse } from "aws-lambda";
import { FifoMessages, sqsRecordOf, type QueuedMessage } from "../lib/jobs/fifo-messages";
import { FifoPump } from "../lib/jobs/fifo-pump";
import { isJob, type Job } from "../lib/jobs/job";
import { MAX_BATCH_BYTES, MAX_BATCH_ENTRIES } from "../lib/jobs/sqs-queue";

/**
 * `npm start`'s stand-in for the SQS FIFO job queue: the functions send to it with the real SQS client
 * (SendMessage and SendMessageBatch, JSON protocol), and it hands the messages to the job-worker function through
 * serverless-offline's Lambda invoke API as SQS events, like the deployed event source: batches of up to 10
 * records across conversations (FIFO within one, never one group in two batches), deduplication by the sender's
 * deduplication id, a failed record (listed in batchItemFailures, or the whole batch when the invoke fails)
 * received again after the visibility timeout with a growing ApproximateReceiveCount, and moved to the dead
 * letters after maxReceiveCount receives; the worker records the dead letter itself on the last receive.
 */
export interface LocalSqs {
  queueUrl: string;
  /** Messages moved out after their last receive, as the dead-letter queue would hold them. */
  readonly deadLetters: readonly QueuedMessage[];
  /** Resolves when every message received so far has been handled or dead-lettered. */
  drain(): Promise<void>;
  close(): Promise<void>;
}

/** infra/queues.yml's maxReceiveCount and VisibilityTimeout (test/jobs/queue-settings.test.ts keeps them equal). */
export const MAX_RECEIVES = 5;
export const VISIBILITY_TIMEOUT_MS = 360_000;

export interface LocalSqsOptions {
  host: string;
  invokeUrl: string;
  queueName: string;
  warn: (line: string) => void;
  /** Shorter in tests; the deployed queue's by default. */
  visibilityTimeoutMs?: number;
}

export async function startLocalSqs(options: LocalSqsOptions): Promise<LocalSqs> {
  const queueArn = `arn:aws:sqs:local:000000000000:${options.queueName}`;
  const messages = new FifoMessages({ visibilityTimeoutMs: options.visibilityTimeoutMs ?? VISIBILITY_TIMEOUT_MS, maxReceiveCount: MAX_RECEIVES });
  const lastError = new Map<string, string>();
  const deliver = async (batch: readonly QueuedMessage[]) => {
    try {
      const failed = await invokeWorker(options.invokeUrl, batch.map((m) => sqsRecordOf(m, queueArn)));
      // The invoke answered: an earlier receive's error no longer describes these (and is not kept for ever).
      for (const m of batch) lastError.delete(m.messageId);
      return failed;
    } catch (err) {
      for (const m of batch) lastError.set(m.messageId, String(err));
      throw err;
    }
  };
  const pump = new FifoPump(messages, deliver, async (message) => {
    const job = jobOf(message.body);
    const error = lastError.get(message.messageId) ?? "the job worker reported it failed";
    lastError.delete(message.messageId);
    options.warn(`job ${job?.kind ?? "?"} of ${job?.group ?? message.group} failed ${message.receiveCount} times, dead-lettered: ${error}`);
  });
  const server = createServer((req, res) => void receive(req, res, (body, group, dedupeId) => messages.send(body, group, dedupeId), () => pump.pump()));
  await new Promise<void>((resolve) => server.listen(0, options.host, resolve));
  const { port } = server.address() as AddressInfo;
  return {
    queueUrl: `http://${options.host}:${port}/000000000000/${options.queueName}`,
    deadLetters: messages.deadLetters,
    drain: () => pump.drain(),
    close: () => {
      pump.close();
      return new Promise((resolve) => (server.close(() => resolve()), server.closeAllConnections()));
    },
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
const accepted = (body: string, queued: QueuedMessage | undefined) => ({ MessageId: queued?.messageId ?? randomUUID(), MD5OfMessageBody: createHash("md5").update(body).digest("hex"), SequenceNumber: "0" });

/** SendMessage and SendMessageBatch in SQS's JSON protocol (the one @aws-sdk/client-sqs speaks), errors as SQS names them. */
type Send = (body: string, group: string, dedupeId: string) => QueuedMessage | undefined;

/** The ids SQS would use: the sender's, else (a client that sent none) the job's own. */
function idsOf(entry: { MessageGroupId?: unknown; MessageDeduplicationId?: unknown }, job: Job): [group: string, dedupeId: string] {
  const group = typeof entry.MessageGroupId === "string" && entry.MessageGroupId ? entry.MessageGroupId : job.group;
  const dedupeId = typeof entry.MessageDeduplicationId === "string" && entry.MessageDeduplicationId ? entry.MessageDeduplicationId : `${job.kind}#${job.dedupeId}`;
  return [group, dedupeId];
}

async function receive(req: IncomingMessage, res: ServerResponse, send: Send, pump: () => void): Promise<void> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  const fail = (status: number, type: string, message: string): void => void res.writeHead(status, JSON_10).end(JSON.stringify({ __type: type, message }));
  const target = req.headers["x-amz-target"];
  if (target !== "AmazonSQS.SendMessage" && target !== "AmazonSQS.SendMessageBatch") return fail(400, "InvalidAction", "only SendMessage and SendMessageBatch are served locally");
  let input: { MessageBody?: unknown; MessageGroupId?: unknown; MessageDeduplicationId?: unknown; Entries?: unknown };
  try {
    input = JSON.parse(Buffer.concat(chunks).toString("utf8")) as typeof input;
  } catch {
    return fail(400, "InvalidParameterValue", "the request is not JSON");
  }

  if (target === "AmazonSQS.SendMessage") {
    const job = jobOf(input.MessageBody);
    if (!job) return fail(400, "InvalidParameterValue", "MessageBody must be a job as JSON");
    const queued = send(input.MessageBody as string, ...idsOf(input, job));
    pump();
    return void res.writeHead(200, JSON_10).end(JSON.stringify(accepted(input.MessageBody as string, queued)));
  }

  const entries = (Array.isArray(input.Entries) ? input.Entries : []) as Array<{ Id?: unknown; MessageBody?: unknown; MessageGroupId?: unknown; MessageDeduplicationId?: unknown }>;
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
      const queued = send(entry.MessageBody as string, ...idsOf(entry, job)); // in the entries' order, like SQS within a batch
      Successful.push({ Id: entry.Id, ...accepted(entry.MessageBody as string, queued) });
    }
  }
  pump();
  res.writeHead(200, JSON_10).end(JSON.stringify({ Successful, Failed }));
}

/** One batch to the worker as an SQS event; resolves with the ids it reported failed, throws when the invoke failed. */
async function invokeWorker(invokeUrl: string, records: ReturnType<typeof sqsRecordOf>[]): Promise<ReadonlySet<string>> {
  const res = await fetch(invokeUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ Records: records }) });
  const text = await res.text();
  if (!res.ok || res.headers.get("x-amz-function-error")) throw new Error(`job worker invoke failed (${res.status}): ${text.slice(0, 200)}`);
  const result = (text ? JSON.parse(text) : {}) as Partial<SQSBatchResponse> | null;
  return new Set((result?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
}
