import type { Job } from "../../lib/jobs/job";
import { FifoMessages, sqsRecordOf, type QueuedMessage } from "../../lib/jobs/fifo-messages";
import { LocalJobQueue } from "../../lib/jobs/local-queue";

const job = (group: string, dedupeId: string): Job => ({ kind: "test.job", group, dedupeId, payload: {} });
const pause = (ms: number) => new Promise((r) => setTimeout(r, ms));

test("jobs of one group run in order, one at a time; other groups run alongside", async () => {
  const log: string[] = [];
  const queue = new LocalJobQueue(
    async (j) => {
      log.push(`start ${j.group}/${j.dedupeId}`);
      await pause(j.dedupeId === "1" ? 30 : 5);
      log.push(`end ${j.group}/${j.dedupeId}`);
    },
    async () => {},
  );
  await queue.enqueue(job("a", "1"));
  await queue.enqueue(job("a", "2"));
  await queue.enqueue(job("b", "1"));
  await queue.drain();
  expect(log.indexOf("end a/1")).toBeLessThan(log.indexOf("start a/2"));
  expect(log.indexOf("start b/1")).toBeLessThan(log.indexOf("end a/1"));
});

test("the same job twice runs once (FIFO deduplication)", async () => {
  let runs = 0;
  const queue = new LocalJobQueue(async () => void runs++, async () => {});
  await queue.enqueue(job("a", "x"));
  await queue.enqueue(job("a", "x"));
  await queue.drain();
  expect(runs).toBe(1);
});

test("a job that keeps failing is retried, then dead-lettered, and later jobs of its group still run", async () => {
  const attempts: string[] = [];
  const dead: Array<[Job, unknown]> = [];
  const queue = new LocalJobQueue(
    async (j) => {
      attempts.push(j.dedupeId);
      if (j.dedupeId === "bad") throw new Error("always fails");
    },
    async (j, err) => void dead.push([j, err]),
    3,
  );
  await queue.enqueue(job("a", "bad"));
  await queue.enqueue(job("a", "good"));
  await queue.drain();
  expect(attempts).toEqual(["bad", "bad", "bad", "good"]);
  expect(dead).toHaveLength(1);
  expect(dead[0]![0].dedupeId).toBe("bad");
  expect(String(dead[0]![1])).toContain("always fails");
});

test("enqueueAll: in order within a group, deduplicated like enqueue", async () => {
  const log: string[] = [];
  const queue = new LocalJobQueue(async (j) => void log.push(`${j.group}/${j.dedupeId}`), async () => {});
  await queue.enqueueAll([job("a", "1"), job("a", "2"), job("a", "1"), job("b", "9"), job("a", "3")]);
  await queue.drain();
  expect(log.filter((l) => l.startsWith("a/"))).toEqual(["a/1", "a/2", "a/3"]);
  expect(log).toHaveLength(4);
});

describe("FifoMessages: SQS FIFO's bookkeeping, on a clock of the test's own", () => {
  let now = 1_000;
  const queue = () => new FifoMessages({ visibilityTimeoutMs: 100, maxReceiveCount: 3, now: () => now });
  const ids = (batch: QueuedMessage[]) => batch.map((m) => m.body);

  test("a batch takes up to 10 messages across groups, each group in order; an in-flight group gives nothing more", () => {
    const q = queue();
    for (let i = 0; i < 12; i++) q.send(`${i % 3}-${i}`, `g${i % 3}`, `d${i}`);
    const first = q.receive(10);
    expect(ids(first)).toEqual(["0-0", "1-1", "2-2", "0-3", "1-4", "2-5", "0-6", "1-7", "2-8", "0-9"]);
    // Every group has a message in flight: nothing for a second batch, not even the two left.
    expect(q.receive(10)).toEqual([]);
    for (const m of first) q.delete(m, m.receiptHandle!);
    expect(ids(q.receive(10))).toEqual(["1-10", "2-11"]);
  });

  test("a failed message is invisible for the visibility timeout (its group waits behind it), then comes back counted", () => {
    const q = queue();
    q.send("a1", "a", "a1");
    q.send("a2", "a", "a2");
    q.send("b1", "b", "b1");
    const [a1, a2, b1] = q.receive(10);
    q.fail(a1!, a1!.receiptHandle!);
    q.fail(a2!, a2!.receiptHandle!);
    q.delete(b1!, b1!.receiptHandle!);
    expect(q.receive(10)).toEqual([]);
    expect(q.nextVisibleAt()).toBe(now + 100);
    now += 100;
    const again = q.receive(10);
    expect(again.map((m) => [m.body, m.receiveCount, sqsRecordOf(m, "arn:aws:sqs:local:0:q.fifo").attributes])).toEqual([
      ["a1", 2, expect.objectContaining({ ApproximateReceiveCount: "2", MessageGroupId: "a", MessageDeduplicationId: "a1" })],
      ["a2", 2, expect.objectContaining({ ApproximateReceiveCount: "2", MessageGroupId: "a", MessageDeduplicationId: "a2" })],
    ]);
  });

  test("a message that fails its maxReceiveCount-th receive moves to the dead letters; the same dedupe id within 5 minutes is dropped", () => {
    const q = queue();
    q.send("x", "g", "x");
    expect(q.send("x again", "g", "x")).toBeUndefined();
    for (let receive = 1; receive <= 3; receive++) {
      const [m] = q.receive(10);
      expect(m!.receiveCount).toBe(receive);
      expect(q.fail(m!, m!.receiptHandle!)).toBe(receive === 3);
      now += 100;
    }
    expect(q.size).toBe(0);
    expect(q.deadLetters.map((m) => m.body)).toEqual(["x"]);
    now += 5 * 60_000;
    expect(q.send("x later", "g", "x")).toBeDefined();
  });
});

test("LocalJobQueue hands out batches across groups, and a failure holds back only its own group", async () => {
  const batches: string[][] = [];
  let current: string[] = [];
  const queue = new LocalJobQueue(
    async (j) => {
      current.push(`${j.group}/${j.dedupeId}`);
      if (j.dedupeId === "a1" && !batches.flat().includes("a/a1")) throw new Error("fails once");
    },
    async () => {},
    5,
    { visibilityTimeoutMs: 300 },
  );
  const started = Date.now();
  await queue.enqueueAll([job("a", "a1"), job("b", "b1"), job("a", "a2"), job("b", "b2")]);
  // The first batch's three runs, however slow the machine (well within the 300 ms a1 stays invisible).
  while (current.length < 3 && Date.now() - started < 250) await new Promise((r) => setTimeout(r, 1));
  batches.push(current);
  current = [];
  await queue.drain();
  batches.push(current);
  // First batch: a1 failed, so a2 was not run; b's ran in the same batch. Then a1 (after the timeout) and a2.
  expect(batches).toEqual([["a/a1", "b/b1", "b/b2"], ["a/a1", "a/a2"]]);
  expect(Date.now() - started).toBeGreaterThanOrEqual(300);
});
