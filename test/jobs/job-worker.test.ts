import type { SQSEvent, SQSRecord } from "aws-lambda";
import { handler as jobWorker } from "../../functions/job-worker";
import { say, type Turn } from "../../lib/conversation";
import { defineBot } from "../../lib/engine/bot";
import { useRuntime, type Runtime } from "../../lib/runtime";
import { startTestStore, type TestStore } from "../support/local-dynamo";

/** The SQS worker Lambda: runs jobs against the real embedded store and reports partial batch failures. */
let store: TestStore;
let rt: Runtime;
beforeAll(async () => {
  store = await startTestStore();
  const bot = defineBot({ initial: "echo", defaultState: "echo", states: { echo: (ctx) => ({ messages: [say(`echo ${ctx.text}`)] }) } });
  rt = store.runtime({ bot });
  useRuntime(rt);
});
afterAll(async () => {
  useRuntime(undefined);
  await store.close();
});

const record = (messageId: string, body: unknown, receives = 1): SQSRecord =>
  ({ messageId, body: JSON.stringify(body), attributes: { ApproximateReceiveCount: String(receives) } }) as unknown as SQSRecord;
const lateReply = (conversationId: string, messageId: string) => ({
  kind: "kommunicate.late-reply",
  group: `kommunicate#${conversationId}`,
  dedupeId: messageId,
  payload: {
    turn: { platform: "kommunicate", conversationId, userId: "u", messageId, message: { type: "text", text: "q" }, receivedAt: 0 } satisfies Turn,
  },
});

test("runs each job; a failure is reported with every later record of the batch (FIFO order holds)", async () => {
  const event = {
    Records: [
      record("r1", lateReply("worker-1", "k1")),
      record("r2", { kind: "nobody.handles-this", group: "g", dedupeId: "x", payload: {} }),
      record("r3", lateReply("worker-1", "k2")),
      record("r4", "not a job"),
    ],
  } as SQSEvent;
  const result = await jobWorker(event);
  expect(result.batchItemFailures).toEqual([{ itemIdentifier: "r2" }, { itemIdentifier: "r3" }, { itemIdentifier: "r4" }]);
  // r1 ran: the turn is recorded and its (undelivered, no API key) answer is in the events table.
  const session = await rt.sessions.load("kommunicate", "worker-1", Date.now());
  expect(session!.processed.map((p) => p.id)).toEqual(["k1"]);
  const [event1] = await rt.events.list("conv#kommunicate#worker-1");
  expect(event1).toMatchObject({ type: "kommunicate.late_reply_recorded", data: { messages: [{ message: "echo q" }] } });
});

test("the last try before the dead-letter queue is also recorded in the events table", async () => {
  const bad = { kind: "nobody.handles-this", group: "g", dedupeId: "dl-1", payload: {} };
  expect((await jobWorker({ Records: [record("r1", bad, 4)] } as SQSEvent)).batchItemFailures).toHaveLength(1);
  expect((await rt.events.list("jobs#dead-letter")).some((e) => (e.data as any).job.dedupeId === "dl-1")).toBe(false);
  expect((await jobWorker({ Records: [record("r1", bad, 5)] } as SQSEvent)).batchItemFailures).toHaveLength(1);
  const [dead] = await rt.events.list("jobs#dead-letter");
  expect(dead).toMatchObject({ type: "job.dead_letter", data: { job: bad, error: expect.stringContaining("nobody.handles-this") } });
});
