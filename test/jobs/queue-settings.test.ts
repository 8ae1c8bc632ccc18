import { readFileSync } from "node:fs";
import { join } from "node:path";
import { load } from "js-yaml";
import { JOB_BUDGET } from "../../lib/jobs/budget";
import { MAX_JOB_BYTES } from "../../lib/jobs/job";
import { MAX_RECEIVES } from "../../lib/jobs/sqs-record";
import { MAX_RECEIVES as LOCAL_MAX_RECEIVES, VISIBILITY_TIMEOUT_MS } from "../../scripts/local-sqs";

/** infra/queues.yml, the worker's function settings and the code that depends on them agree. */
interface QueueProps {
  MaximumMessageSize?: number;
  VisibilityTimeout?: number;
  RedrivePolicy?: { maxReceiveCount: number };
}
const root = join(__dirname, "..", "..");
const { Resources } = load(readFileSync(join(root, "infra", "queues.yml"), "utf8")) as { Resources: Record<string, { Properties: QueueProps }> };
const queue = Resources.JobsQueue!.Properties;
const worker = (require("../../infra/functions.js") as { functions(): Record<string, { timeout: number }> }).functions().jobWorker!;

test("the queue takes the largest job, and both queues take what the other holds", () => {
  expect(queue.MaximumMessageSize).toBeGreaterThanOrEqual(MAX_JOB_BYTES);
  expect(Resources.JobsDeadLetterQueue!.Properties.MaximumMessageSize).toBe(queue.MaximumMessageSize);
});

test("the visibility timeout is at least 6 × the worker's timeout, and npm start's stand-in uses the same", () => {
  expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * worker.timeout);
  expect(VISIBILITY_TIMEOUT_MS).toBe(queue.VisibilityTimeout! * 1000);
});

test("the worker, the local stand-in and the redrive policy agree on the last receive (5)", () => {
  expect(queue.RedrivePolicy!.maxReceiveCount).toBe(5);
  expect([MAX_RECEIVES, LOCAL_MAX_RECEIVES]).toEqual([5, 5]);
});

test("one job's budget and the time to finish fit in the worker's timeout", () => {
  expect(JOB_BUDGET.jobMs + JOB_BUDGET.finishMs).toBeLessThan(worker.timeout * 1000);
});
