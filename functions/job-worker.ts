import { currentRuntime } from "../app/runtime";
import { jobHandlers } from "../lib/jobs/handlers";
import { sqsWorker } from "../lib/jobs/sqs-worker";

/** The SQS FIFO job worker (lib/jobs/sqs-worker.ts) with every platform's job handlers and the app's runtime. */
export const handler = sqsWorker({ runtime: currentRuntime, handlers: jobHandlers });
