import { randomUUID } from "node:crypto";
import { DynamoDBClient, type AttributeValue } from "@aws-sdk/client-dynamodb";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { itemBytes } from "./capacity";
import { readSettings } from "../../lib/config";
import { localSecrets } from "../../test/support/local-secrets";
import type { Job, JobQueue } from "../../lib/jobs/job";
import { logger } from "../../lib/log";
import { defineAction } from "../../lib/engine/actions";
import { userBot } from "../../app/runtime";
import { createRuntime, useRuntime, type Runtime } from "../../lib/runtime";
import * as z from "zod/mini";
import { createDocumentClient } from "../../lib/session/dynamo";
import type { MinimalStore } from "./minimal";
import { startRecordingServer, type RecordingServer } from "../../test/support/recording-server";
import { ensureTables, openStore, type LocalStore } from "../local-store";

/**
 * What the in-process sections share: the embedded store (dynalite, or AWS_ENDPOINT_URL_DYNAMODB) with
 * fresh tables from infra/tables.yml, the runtime every function handler uses (installed with useRuntime),
 * a stand-in for CM's outbound endpoint (TwoWay replies are POSTed there), and the minimal variant's own
 * raw DynamoDB client with the same settings (lib/session/dynamo.ts). Jobs are captured, not run: the bench
 * feeds them to the job-worker function itself, as SQS would.
 */
export const LP = { accountId: "12345678", clientId: "bench-lp-client", clientSecret: "bench-lp-secret" } as const;

export interface CommandLog {
  /** Command names in the order sent (cleared by the sections as they need). */
  names: string[];
  total: number;
  /** Milliseconds spent inside the client's send (marshalling, signing, HTTP, the store itself), summed. */
  ms: number;
}

export interface Stack {
  store: LocalStore;
  tables: { SESSIONS_TABLE: string; EVENTS_TABLE: string };
  rt: Runtime;
  /** Every job enqueued by a webhook, oldest first; sections take what they need and clear it. */
  jobs: Job[];
  ours: CommandLog;
  /** Sizes of the session items ours writes (DynamoDB's bytes), to pad the floor's item to. */
  oursItems: ItemSizes;
  minimal: MinimalStore & { log: CommandLog };
  cm: RecordingServer;
  close(): Promise<void>;
}

type AnyClient = Pick<DynamoDBClient, "middlewareStack">;

/** Counts the commands sent through a client, like test/engine/request-count.test.ts. */
function countCommands(doc: AnyClient | DynamoDBDocumentClient): CommandLog {
  const log: CommandLog = { names: [], total: 0, ms: 0 };
  (doc as AnyClient).middlewareStack.add(
    (next, context) => async (args) => {
      log.names.push(String(context.commandName));
      log.total++;
      const t0 = performance.now();
      try {
        return await next(args);
      } finally {
        log.ms += performance.now() - t0;
      }
    },
    { step: "initialize", name: "benchCountCommands" },
  );
  return log;
}

export interface ItemSizes {
  byKey: Map<string, number>;
  /** The last session item written, in bytes (0 before any). */
  last: number;
}

/** Records the size of every session item (`conv#…`) the client puts, as DynamoDB counts it. */
export function trackSessionItems(doc: AnyClient | DynamoDBDocumentClient): ItemSizes {
  const sizes: ItemSizes = { byKey: new Map(), last: 0 };
  (doc as AnyClient).middlewareStack.add(
    (next, context) => async (args) => {
      const item = (args.input as { Item?: Record<string, AttributeValue> }).Item;
      const pk = item?.pk?.S;
      if (context.commandName === "PutItemCommand" && pk?.startsWith("conv#")) sizes.byKey.set(pk, (sizes.last = itemBytes(item!)));
      return next(args);
    },
    { step: "initialize", name: "benchSessionItemSizes" },
  );
  return sizes;
}

/** A job queue that keeps what is enqueued, oldest first, instead of sending it (the bench runs jobs itself). */
export function captureJobs(): { jobs: Job[]; queue: JobQueue } {
  const jobs: Job[] = [];
  return { jobs, queue: { enqueue: async (job) => void jobs.push(job), enqueueAll: async (all) => void jobs.push(...all) } };
}

/** The floor's client: the raw DynamoDBClient with the settings of lib/session/dynamo.ts. */
export const rawClient = (endpoint: string) =>
  new DynamoDBClient({ endpoint, maxAttempts: 3, requestHandler: { connectionTimeout: 1000, requestTimeout: 3000, throwOnRequestTimeout: true } });

export async function startStack(): Promise<Stack> {
  logger.setLogLevel("SILENT");
  const store = await openStore();
  const suffix = randomUUID().slice(0, 8);
  const tables = { SESSIONS_TABLE: `bench-${suffix}-sessions`, EVENTS_TABLE: `bench-${suffix}-events` };
  await ensureTables(store.endpoint, tables);
  // CM answers a reply POST with 201 and an empty JSON object.
  const cm = await startRecordingServer((_req, res) => void res.writeHead(201, { "content-type": "application/json" }).end("{}"));

  const { jobs, queue: capture } = captureJobs();
  const doc = createDocumentClient(store.endpoint);
  const ours = countCommands(doc);
  const oursItems = trackSessionItems(doc);
  const env = {
    ...process.env,
    ...tables,
    ...localSecrets,
    BOT_STAGE: "local",
    AI_BASE_URL: "",
    TWOWAY_OUTBOUND_URL: `${cm.url}/v2/accounts/bench/adapters/bench`,
    LP_ACCOUNT_ID: LP.accountId,
    LP_CLIENT_ID: LP.clientId,
    LP_CLIENT_SECRET: LP.clientSecret,
  };
  const settings = readSettings(env);
  // The deployed bot (the composition root's): the bench measures what the functions run.
  const rt = createRuntime({ userBot, settings, env, doc, jobs: capture });
  // An Engage action with no store use of its own, beside the bank's: it shows the engine's own requests.
  rt.actions = {
    ...rt.actions,
    note: defineAction({ input: z.object({ text: z.string() }), run: async ({ text }) => ({ session: { namespace: "notes", data: { last: text } } }) }),
  };
  useRuntime(rt);

  const minimalClient = rawClient(store.endpoint);
  const minimal = { client: minimalClient, table: tables.SESSIONS_TABLE, prefix: "minimal", padTo: 0, log: countCommands(minimalClient) };

  return {
    store,
    tables,
    rt,
    jobs,
    ours,
    oursItems,
    minimal,
    cm,
    close: async () => {
      useRuntime(undefined);
      doc.destroy();
      minimalClient.destroy();
      await cm.close();
      await store.close();
    },
  };
}
