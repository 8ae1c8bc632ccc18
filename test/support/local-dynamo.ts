import { randomUUID } from "node:crypto";
import { ensureTables, openStore, type LocalStore } from "../../scripts/local-store";
import { readSettings } from "../../lib/config";
import { createRuntime, type Runtime } from "../../lib/runtime";
import { createDocumentClient } from "../../lib/session/dynamo";
import type { Bot } from "../../lib/engine/bot";

/**
 * A real DynamoDB for tests: embedded dynalite on loopback (or AWS_ENDPOINT_URL_DYNAMODB when set),
 * with fresh tables per test file created from infra/tables.yml.
 */
export interface TestStore {
  store: LocalStore;
  tables: { SESSIONS_TABLE: string; EVENTS_TABLE: string };
  runtime(options?: { bot?: Bot; clock?: () => number; env?: Record<string, string> }): Runtime;
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
    runtime: ({ bot, clock, env = {} } = {}) => {
      const doc = createDocumentClient(store.endpoint);
      clients.push(doc);
      return createRuntime({
        settings: readSettings({ ...process.env, ...tables, ...env }),
        doc,
        ...(bot ? { bot } : {}),
        ...(clock ? { clock } : {}),
      });
    },
    close: async () => {
      clients.forEach((c) => c.destroy());
      await store.close();
    },
  };
}
