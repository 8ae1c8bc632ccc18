import type { Runtime } from "../runtime";
import { StoreUnavailableError } from "../session/errors";
import type { JobQueue } from "./job";
import { SqsJobQueue } from "./sqs-queue";

/**
 * The runtime's job queue, made on first use. Only the functions that enqueue import this module, so the
 * SQS client stays out of every other bundle (and the job handlers out of all but the worker's).
 * Deployed: the SQS FIFO queue of serverless.yml. `npm start`: the same SQS API, served on loopback by
 * scripts/local-sqs.ts, which hands each message to the job-worker function like SQS would.
 */
export function jobQueue(rt: Runtime): JobQueue {
  return (rt.jobs ??= queueFor(rt));
}

function queueFor(rt: Runtime): JobQueue {
  const { JOBS_QUEUE_URL, LOCAL_JOBS_QUEUE_URL, isLocal, BOT_STAGE } = rt.settings;
  // serverless-offline passes the `{ Ref: … }` of JOBS_QUEUE_URL as "[object Object]": only a real URL counts.
  if (JOBS_QUEUE_URL?.startsWith("https://")) return new SqsJobQueue(JOBS_QUEUE_URL);
  if (isLocal && LOCAL_JOBS_QUEUE_URL) return new SqsJobQueue(LOCAL_JOBS_QUEUE_URL, undefined, new URL(LOCAL_JOBS_QUEUE_URL).origin);
  const refuse = async () => {
    throw new StoreUnavailableError("enqueue job", new Error(`no job queue on stage "${BOT_STAGE}" (JOBS_QUEUE_URL, or LOCAL_JOBS_QUEUE_URL from npm start)`));
  };
  return { enqueue: refuse, enqueueAll: refuse };
}
