/**
 * Imported first by index.ts, before anything from lib/: the local stage, a silent logger (lib/log.ts
 * reads POWERTOOLS_LOG_LEVEL when it is created) and dummy AWS credentials, as test/setup-env.ts does.
 * The AI responder and any real job queue are switched off: the bench measures our code and the store.
 * Metrics stay on, written where Lambda would write them cheaply (below).
 */
import { openSync, writeSync } from "node:fs";

process.env.BOT_STAGE = "local";
process.env.POWERTOOLS_LOG_LEVEL = "SILENT";
process.env.AWS_REGION ??= "us-east-1";
process.env.AWS_ACCESS_KEY_ID ??= "local";
process.env.AWS_SECRET_ACCESS_KEY ??= "local";
process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
for (const name of ["AI_BASE_URL", "JOBS_QUEUE_URL", "LOCAL_JOBS_QUEUE_URL"]) delete process.env[name];

// The handlers' metrics stay on (their EMF line is part of a turn's cost), but each line goes out as one write(2)
// to /dev/null, as Lambda's log pipe takes it, not to the bench's terminal (slower, and thousands of lines).
const devNull = openSync("/dev/null", "w");
const write = process.stdout.write.bind(process.stdout);
process.stdout.write = ((chunk: string | Uint8Array, ...rest: never[]) =>
  typeof chunk === "string" && chunk.startsWith('{"_aws":') ? (writeSync(devNull, chunk), true) : write(chunk, ...rest)) as typeof process.stdout.write;

export {};
