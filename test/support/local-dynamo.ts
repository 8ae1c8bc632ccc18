import { randomUUID } from "node:crypto";
import { ensureTables, openStore, type LocalStore } from "../../scripts/local-store";
import { readSettings } from "../../lib/config";
import { recordDeadLetter } from "../../lib/jobs/dead-letter";
import { jobHandlers } from "../../lib/jobs/handlers";
import { LocalJobQueue } from "../../lib/jobs/local-queue";
import { runJob } from "../../lib/jobs/worker";
import { createRuntime, type BotFactory, type Runtime } from "../../lib/runtime";
import { createDocumentClient } from "../../lib/session/dynamo";
import type { Bot } from "../../lib/engine/bot";
import { testBot } from "./test-bot";

/**
 * A real DynamoDB for tests: embedded dynalite on loopback (or AWS_ENDPOINT_URL_DYNAMODB when set),
 * with fresh tables per test file created from infra/tables.yml. Runtimes get an in-process job queue.
 * Their bot is the tests' own (./test-bot.ts) unless `userBot` names another (the example bank: `bankBot` of
 * bot/, for tests about the bank itself); `bot` replaces only its dialog states (a slow or counting bot).
 */
export interface TestStore {
  store: LocalStore;
  tables: { SESSIONS_TABLE: string; EVENTS_TABLE: string };
  runtime(options?: { userBot?: BotFactory; bot?: Bot; clock?: () => number; env?: Record<string, string> }): Runtime;
  close(): Promise<void>;
}

export async function startTestStore(): Promise<TestStore> {
  const store = await openStore();
  const suffix = randomUUID().slice(0, 8);
  const tables = { SESSIONS_TABLE: `test-${suffix}-sessions`, EVENTS_TABLE: `test-${suffix}-events` };
  await ensureTables(store.endpoint, tables);
  const clients: Array<{ destroy(): void }> = [];
  return {
    store,
    tables,
    runtime: ({ userBot = testBot, bot, clock, env = {} } = {}) => {
      const doc = createDocumentClient(store.endpoint);
      clients.push(doc);
      const all = { ...process.env, ...tables, ...env };
      const rt = createRuntime({
        userBot,
        settings: readSettings(all),
        env: all,
        doc,
        ...(bot ? { bot } : {}),
        ...(clock ? { clock } : {}),
      });
      // Jobs run in-process, in order per group, with retries and dead letters: what SQS + the worker do.
      rt.jobs = new LocalJobQueue(
        (job, attempt) => runJob(rt, jobHandlers, job, attempt),
        (job, error) => recordDeadLetter(rt, job, error),
      );
      return rt;
    },
    close: async () => {
      clients.forEach((c) => c.destroy());
      await store.close();
    },
  };
}
