import type { Context, SQSEvent, SQSRecord } from "aws-lambda";
import type { Job } from "../../lib/jobs/job";

/**
 * SQS events for the job worker as the FIFO event source builds them (MessageGroupId per conversation), a
 * Lambda context whose clock the test sets, and TwoWay turn jobs to fill them with.
 */
let sequence = 0;

export function sqsRecord(job: Job, options: { messageId?: string; receives?: number } = {}): SQSRecord {
  const messageId = options.messageId ?? `m-${++sequence}`;
  return {
    messageId,
    receiptHandle: `rh-${messageId}`,
    body: JSON.stringify(job),
    attributes: {
      ApproximateReceiveCount: String(options.receives ?? 1),
      SentTimestamp: "0",
      SenderId: "test",
      ApproximateFirstReceiveTimestamp: "0",
      MessageGroupId: job.group,
      MessageDeduplicationId: `${job.kind}#${job.dedupeId}`,
    },
    messageAttributes: {},
    md5OfBody: "",
    eventSource: "aws:sqs",
    eventSourceARN: "arn:aws:sqs:eu-central-1:000000000000:test-jobs.fifo",
    awsRegion: "eu-central-1",
  };
}

/** The same records received again (a redelivery): same message ids, one more receive. */
export function redelivered(event: SQSEvent): SQSEvent {
  return { Records: event.Records.map((r) => ({ ...r, attributes: { ...r.attributes, ApproximateReceiveCount: String(Number(r.attributes.ApproximateReceiveCount) + 1) } })) };
}

/**
 * A Lambda context with `timeoutMs` from now; `scale` makes each real millisecond count as that many (so a
 * 30 s job budget can be tested with jobs of a few ms). `remainingAt(t)` is what it reported at time `t`.
 */
export function lambdaContext(timeoutMs: number, scale = 1): Context & { remainingAt(t: number): number } {
  const start = Date.now();
  const remainingAt = (t: number) => timeoutMs - (t - start) * scale;
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName: "onebot-test-jobWorker",
    functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:eu-central-1:000000000000:function:onebot-test-jobWorker",
    memoryLimitInMB: "1024",
    awsRequestId: `req-${++sequence}`,
    logGroupName: "/aws/lambda/onebot-test-jobWorker",
    logStreamName: "test",
    getRemainingTimeInMillis: () => Math.max(0, Math.round(remainingAt(Date.now()))),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
    remainingAt,
  };
}

export const TWOWAY_ACCOUNT = "a3c5e7f9-1b2d-4f6a-8c0e-2d4f6a8c0e1b";

/** A TwoWay turn job, as the webhook enqueues it: one message `text` of chat `chatId`. */
export function twowayTurnJob(chatId: string, messageId: string, text: string, correlationId?: string): Job {
  const chat = { id: chatId, accountId: TWOWAY_ACCOUNT, channel: "WhatsApp", conversationClientId: "0031612345678", conversationHostId: "0031201234567" };
  return {
    kind: "twoway.turn",
    group: `twoway#${chatId}`,
    dedupeId: messageId,
    payload: { turn: { platform: "twoway", conversationId: chatId, userId: "0031612345678", messageId, message: { type: "text", text }, receivedAt: 0 }, chat },
    ...(correlationId ? { correlationId } : {}),
  };
}
