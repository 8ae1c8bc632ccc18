import { createHash } from "node:crypto";
import { SQSClient } from "@aws-sdk/client-sqs";
import { handler as livepersonWebhook } from "../../functions/liveperson-webhook";
import { handler as twowayMessages } from "../../functions/twoway-messages";
import { localSecrets } from "../support/local-secrets";
import { SqsJobQueue } from "../../lib/jobs/sqs-queue";
import { signLivePersonBody } from "../../lib/platforms/liveperson/verify";
import { useRuntime } from "../../lib/runtime";
import { twDelivery, twTextMessage } from "../platforms/twoway/fixtures";
import { useHarness } from "../support/harness";
import { startRecordingServer, type RecordingServer } from "../support/recording-server";

/**
 * One delivery with many messages (TwoWay) or one notification with many changes (LivePerson) is queued in
 * SendMessageBatch requests of up to 10 jobs, not one SendMessage each, in order: against a stand-in of SQS.
 */
const h = useHarness({ "POST /twoway/messages": twowayMessages as never, "POST /liveperson/webhook": livepersonWebhook as never });
let sqs: RecordingServer;
const LP = { LP_CLIENT_ID: "lp-client", LP_CLIENT_SECRET: "lp-secret", LP_ACCOUNT_ID: "" };
const md5 = (text: string) => createHash("md5").update(text).digest("hex");

beforeAll(async () => {
  sqs = await startRecordingServer((req, res) => {
    const input = JSON.parse(req.body) as { MessageBody?: string; Entries?: Array<{ Id: string; MessageBody: string }> };
    const out =
      req.headers["x-amz-target"] === "AmazonSQS.SendMessageBatch"
        ? { Successful: input.Entries!.map((e) => ({ Id: e.Id, MessageId: e.Id, MD5OfMessageBody: md5(e.MessageBody), SequenceNumber: "1" })), Failed: [] }
        : { MessageId: "m", MD5OfMessageBody: md5(input.MessageBody!), SequenceNumber: "1" };
    res.writeHead(200, { "content-type": "application/x-amz-json-1.0" }).end(JSON.stringify(out));
  });
});
afterAll(() => sqs.close());
beforeEach(() => {
  sqs.requests.length = 0;
  const rt = h.store.runtime({ env: LP });
  rt.jobs = new SqsJobQueue(`${sqs.url}/000000000000/jobs.fifo`, new SQSClient({ endpoint: sqs.url, maxAttempts: 1 }));
  useRuntime(rt);
});

/** The jobs sent, request by request, as [target, dedupeIds]. */
const sent = () =>
  sqs.requests.map((r) => {
    const input = JSON.parse(r.body) as { MessageBody?: string; Entries?: Array<{ MessageBody: string }> };
    const bodies = input.Entries ? input.Entries.map((e) => e.MessageBody) : [input.MessageBody!];
    return [r.headers["x-amz-target"], bodies.map((b) => (JSON.parse(b) as { dedupeId: string }).dedupeId)] as const;
  });

test("a TwoWay delivery of 2000 messages is queued in 200 requests of 10, in the delivery's order", async () => {
  const messages = Array.from({ length: 2000 }, (_, i) => twTextMessage(`m ${i}`, { id: `msg-${i}` }));
  const res = await fetch(`${h.api.url}/twoway/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-webhook-secret": localSecrets.TWOWAY_WEBHOOK_SECRET },
    body: JSON.stringify(twDelivery({ chatId: "many-1", messages })),
  });
  expect(res.status).toBe(201);
  expect(sent().map(([target]) => target)).toEqual(Array(200).fill("AmazonSQS.SendMessageBatch"));
  expect(sent().flatMap(([, ids]) => ids)).toEqual(messages.map((m) => m.id));
});

test("a LivePerson notification with 25 changes is queued in 3 requests, in the notification's order", async () => {
  const changes = Array.from({ length: 25 }, (_, i) => ({
    sequence: i,
    originatorMetadata: { id: "agent-1", role: "ASSIGNED_AGENT" },
    serverTimestamp: 1_700_000_000_000 + i,
    dialogId: "dialog-1",
    conversationId: "dialog-1",
    event: { type: "ContentEvent", contentType: "text/plain", message: `agent says ${i}` },
  }));
  const raw = JSON.stringify({ kind: "notification", type: "ms.MessagingEventNotification", body: { changes } });
  const res = await fetch(`${h.api.url}/liveperson/webhook`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-liveperson-signature": signLivePersonBody(raw, LP.LP_CLIENT_SECRET), "x-liveperson-client-id": LP.LP_CLIENT_ID },
    body: raw,
  });
  expect(res.status).toBe(200);
  expect(sent().map(([target, ids]) => [target, ids.length])).toEqual([
    ["AmazonSQS.SendMessageBatch", 10],
    ["AmazonSQS.SendMessageBatch", 10],
    ["AmazonSQS.SendMessageBatch", 5],
  ]);
  expect(sent().flatMap(([, ids]) => ids)).toEqual(changes.map((c) => `dialog-1:${c.sequence}`));
});

test("a message whose job cannot fit in one SQS message is refused with 413 before anything is queued, not 503 on every redelivery", async () => {
  const messages = [twTextMessage("short", { id: "fits-1" }), twTextMessage("x".repeat(300_000), { id: "too-big-1" })];
  const res = await fetch(`${h.api.url}/twoway/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-webhook-secret": localSecrets.TWOWAY_WEBHOOK_SECRET },
    body: JSON.stringify(twDelivery({ chatId: "too-big", messages })),
  });
  expect(res.status).toBe(413);
  expect(await res.json()).toEqual({ error: expect.stringMatching(/job queue.*262144 bytes/) });
  expect(sqs.requests).toHaveLength(0);
});

test("the in-process queue of the tests refuses the same oversized job, as SQS would", async () => {
  const rt = h.store.runtime();
  useRuntime(rt);
  const res = await fetch(`${h.api.url}/twoway/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-webhook-secret": localSecrets.TWOWAY_WEBHOOK_SECRET },
    body: JSON.stringify(twDelivery({ chatId: "too-big-local", messages: [twTextMessage("y".repeat(300_000), { id: "too-big-2" })] })),
  });
  expect(res.status).toBe(413);
});
