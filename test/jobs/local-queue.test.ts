import type { Job } from "../../lib/jobs/job";
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
