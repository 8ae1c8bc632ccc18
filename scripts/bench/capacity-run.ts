import { randomUUID } from "node:crypto";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { deflateRawSync } from "node:zlib";
import type { AttributeValue } from "@aws-sdk/client-dynamodb";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { userBot } from "../../app/runtime";
import { handler as bmWebhook } from "../../functions/bm-webhook";
import { readSettings } from "../../lib/config";
import { signBmBody } from "../../lib/platforms/business-messenger/verify";
import { createRuntime, useRuntime } from "../../lib/runtime";
import { createDocumentClient } from "../../lib/session/dynamo";
import { bmRequest } from "../../test/platforms/business-messenger/fixtures";
import { localSecrets } from "../../test/support/local-secrets";
import { startOpenAiStandIn } from "../../test/support/openai-standin";
import { startDynamoDbLocal } from "../dynamodb-local";
import { ensureTables, startEmbeddedDynamo, type LocalStore } from "../local-store";
import { itemBytes, readUnits, writeUnits } from "./capacity";
import { apiEvent, lambdaContext } from "./events";
import { captureJobs, trackSessionItems } from "./setup";

/**
 * e) Write and read units per turn of long BM conversations with the example bank bot: a scripted one and one
 * where every answer is a 600-character AI answer (the OpenAI stand-in of test/support). Measured from the
 * ConsumedCapacity the store reports: a middleware on the runtime's client asks every request for it
 * (ReturnConsumedCapacity TOTAL) and sums it. Beside it, the same units computed from the item sizes as
 * DynamoDB counts them (scripts/bench/capacity.ts), as a cross-check of the store's report.
 */
export const CAPACITY_TURNS = 40;
export const LONG_TURNS = 120;
export const AI_ANSWER_CHARS = 600;
/** Time between a conversation's turns on the bot's clock (see converse). */
export const TURN_GAP_MS = 15_000;
export const SIZE_AT = [10, 20, 40, LONG_TURNS] as const;

/** A bank customer's messages, in a loop: menus, a balance, a confirmed transfer, a cancelled one, a free question. */
export const CAPACITY_SCRIPT = ["hi", "Balance", "Products", "Transfer", "25", "Bob", "Yes", "What are your opening hours?", "Transfer", "10", "Alice", "No", "menu"] as const;
const AI_QUESTIONS = ["Can I open a savings account online, and what does it cost?", "How long does a transfer to another bank take?", "What should I do if I lose my card abroad?", "Do you offer mortgages for first-time buyers?"];

/**
 * The AI's answer to turn `t`: the `t`-th run of AI_ANSWER_CHARS characters of this repository's README, real
 * prose that never repeats within a conversation. The session item is deflated (lib/session/session-item.ts),
 * so answers made of one repeated sentence would flatter it; `aiAnswerDeflateRatio` reports how far these shrink.
 */
const README = readFileSync(join(__dirname, "..", "..", "README.md"), "utf8").replace(/\s+/g, " ");
function aiAnswer(t: number): string {
  const start = (t * AI_ANSWER_CHARS) % Math.max(1, README.length - AI_ANSWER_CHARS);
  return README.slice(start, start + AI_ANSWER_CHARS);
}

/** Raw bytes over deflated bytes of the AI answers of turns 1–CAPACITY_TURNS, each on its own (what one answer adds to the item). */
export function aiAnswerDeflateRatio(): number {
  let raw = 0;
  let deflated = 0;
  for (let t = 1; t < CAPACITY_TURNS; t++) {
    const answer = Buffer.from(aiAnswer(t));
    raw += answer.length;
    deflated += deflateRawSync(answer).length;
  }
  return raw / deflated;
}

export interface Units {
  read: number;
  write: number;
}

export interface TurnCapacity {
  reported: Units;
  computed: Units;
  /** The reported units by table: "sessions" (session, answers, the bank's accounts) or "events". */
  byTable: Record<string, Units>;
  /** Of the reported units, those of the bot's own items (the bank's accounts: any key outside the framework's prefixes). */
  botItems: Units;
  /** The session item after the turn (DynamoDB's bytes). */
  itemBytes: number;
}

export interface ConversationCapacity {
  name: string;
  turns: TurnCapacity[];
}

const READS = new Set(["GetItemCommand", "QueryCommand", "ScanCommand", "BatchGetItemCommand", "TransactGetItemsCommand"]);
const DATA = new Set([...READS, "PutItemCommand", "UpdateItemCommand", "DeleteItemCommand", "BatchWriteItemCommand", "TransactWriteItemsCommand"]);

/** The framework's own keys in the sessions table (lib/session/keys.ts); the bot's items have others. */
const FRAMEWORK_KEY = /^(conv|answer|lp)#/;

const tableKind = (name = "") => (name.endsWith("-events") ? "events" : "sessions");

/** Asks every data request for its ConsumedCapacity, adds it to `units.reported`, and the units its item sizes imply to `units.computed`. */
export function meterCapacity(doc: DynamoDBDocumentClient): TurnCapacity {
  const meter: TurnCapacity = { reported: { read: 0, write: 0 }, computed: { read: 0, write: 0 }, byTable: {}, botItems: { read: 0, write: 0 }, itemBytes: 0 };
  const known = new Map<string, number>();
  const keyOf = (item: Record<string, AttributeValue> | undefined) => (item ? JSON.stringify([item.pk, item.sk]) : "");
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      const name = String(context.commandName);
      if (!DATA.has(name)) return next(args);
      const input: Record<string, any> = { ...(args.input as Record<string, any>), ReturnConsumedCapacity: "TOTAL" };
      const out = await next({ ...args, input });
      type Consumed = { CapacityUnits?: number; TableName?: string };
      const consumed = (out.output as { ConsumedCapacity?: Consumed | Consumed[] }).ConsumedCapacity;
      const kind = READS.has(name) ? "read" : "write";
      const pk = (input.Key ?? input.Item)?.pk?.S as string | undefined;
      const botItem = tableKind(input.TableName) === "sessions" && pk !== undefined && !FRAMEWORK_KEY.test(pk);
      for (const c of [consumed ?? []].flat()) {
        meter.reported[kind] += c.CapacityUnits ?? 0;
        if (botItem) meter.botItems[kind] += c.CapacityUnits ?? 0;
        const table = (meter.byTable[tableKind(c.TableName)] ??= { read: 0, write: 0 });
        table[kind] += c.CapacityUnits ?? 0;
      }
      if (name === "GetItemCommand") {
        const item = (out.output as { Item?: Record<string, AttributeValue> }).Item;
        const bytes = item ? itemBytes(item) : 0;
        if (item) known.set(keyOf(item), bytes);
        meter.computed.read += readUnits(bytes, input.ConsistentRead === true);
      } else if (name === "PutItemCommand") {
        const item = input.Item as Record<string, AttributeValue>;
        const bytes = itemBytes(item);
        meter.computed.write += writeUnits(bytes, known.get(keyOf(item)) ?? 0);
        known.set(keyOf(item), bytes);
      }
      return out;
    },
    { step: "initialize", name: "benchConsumedCapacity" },
  );
  return meter;
}

/** DynamoDB Local when Java is there (it reports capacity as DynamoDB does), else the embedded dynalite (which also reports it). */
async function openCapacityStore(): Promise<{ store: LocalStore; description: string }> {
  try {
    const local = await startDynamoDbLocal();
    return { store: { endpoint: local.endpoint, embedded: true, close: local.close }, description: "Amazon DynamoDB Local 1.25.1 (scripts/dynamodb-local.ts)" };
  } catch (err) {
    const store = await startEmbeddedDynamo();
    return { store, description: `embedded dynalite (DynamoDB Local unavailable: ${err instanceof Error ? err.message : String(err)})` };
  }
}

async function converse(
  name: string,
  endpoint: string,
  tables: Record<"SESSIONS_TABLE" | "EVENTS_TABLE", string>,
  extraEnv: Record<string, string>,
  text: (turn: number) => string,
  beforeTurn: (turn: number) => void = () => {},
): Promise<ConversationCapacity> {
  const doc = createDocumentClient(endpoint);
  const meter = meterCapacity(doc);
  const sizes = trackSessionItems(doc);
  const { jobs, queue: capture } = captureJobs();
  const env = { ...process.env, ...tables, ...localSecrets, BOT_STAGE: "local", AI_BASE_URL: "", ...extraEnv };
  // A person's pace on the bot's clock: recorded answers younger than 10 s stay in the item whatever their count
  // (lib/session/bounds.ts), so turns fired back to back would measure a burst, not a conversation.
  let clock = Date.now();
  useRuntime(createRuntime({ userBot, settings: readSettings(env), env, doc, jobs: capture, clock: () => clock }));
  const dialogUuid = `capacity-${name}-${randomUUID().slice(0, 8)}`;
  const turns: TurnCapacity[] = [];
  try {
    for (let t = 0; t < LONG_TURNS; t++) {
      beforeTurn(t);
      clock += TURN_GAP_MS;
      const raw = JSON.stringify(bmRequest({ content: text(t) }, { dialogUuid, providerMsgID: randomUUID(), contact: { uuid: "contact-capacity", first_name: "Ana", mobile: "41791234567", language: "de", email: null } }));
      const before = { reported: { ...meter.reported }, computed: { ...meter.computed }, byTable: structuredClone(meter.byTable), botItems: { ...meter.botItems } };
      const res = (await (bmWebhook as unknown as LambdaHandler)(
        apiEvent({ method: "POST", path: "/bm/webhook", route: "POST /bm/webhook", headers: { "content-type": "application/json", "x-bm-signature": signBmBody(raw, localSecrets.BM_SIGNATURE_KEY) }, body: raw }),
        lambdaContext("bmWebhook"),
      )) as { statusCode?: number; body?: string };
      if (res.statusCode !== 200) throw new Error(`capacity ${name}, turn ${t + 1}: HTTP ${res.statusCode} ${res.body ?? ""}`);
      jobs.length = 0;
      const diff = (k: "reported" | "computed" | "botItems"): Units => ({ read: meter[k].read - before[k].read, write: meter[k].write - before[k].write });
      const byTable = Object.fromEntries(
        Object.entries(meter.byTable).map(([t, u]) => [t, { read: u.read - (before.byTable[t]?.read ?? 0), write: u.write - (before.byTable[t]?.write ?? 0) }]),
      );
      turns.push({ reported: diff("reported"), computed: diff("computed"), byTable, botItems: diff("botItems"), itemBytes: sizes.last });
    }
  } finally {
    useRuntime(undefined);
    doc.destroy();
  }
  return { name, turns };
}

type LambdaHandler = (event: unknown, context: unknown) => Promise<unknown>;

export interface CapacityResult {
  store: string;
  conversations: ConversationCapacity[];
}

export async function measureCapacity(progress: (line: string) => void): Promise<CapacityResult> {
  const { store, description } = await openCapacityStore();
  const ai = await startOpenAiStandIn();
  try {
    const suffix = randomUUID().slice(0, 8);
    const tables = { SESSIONS_TABLE: `capacity-${suffix}-sessions`, EVENTS_TABLE: `capacity-${suffix}-events` };
    await ensureTables(store.endpoint, tables, process.env.AWS_REGION);
    progress(`capacity: store ${description}`);
    const scripted = await converse("scripted", store.endpoint, tables, {}, (t) => CAPACITY_SCRIPT[t % CAPACITY_SCRIPT.length]!);
    const withAi = await converse(
      "ai",
      store.endpoint,
      tables,
      { AI_BASE_URL: ai.baseUrl, AI_API_KEY: "sk-bench" },
      (t) => (t === 0 ? "hi" : AI_QUESTIONS[t % AI_QUESTIONS.length]!),
      (t) => void (ai.answer = aiAnswer(t)),
    );
    const answered = ai.bodies().length;
    if (answered < LONG_TURNS - 1) throw new Error(`capacity: the AI stand-in answered ${answered} of ${LONG_TURNS - 1} questions`);
    progress("capacity: done");
    return { store: description, conversations: [scripted, withAi] };
  } finally {
    await ai.close();
    await store.close();
  }
}

/** Mean units per turn over turns [from, to) (0-based); `table` narrows the reported units to one table, "without bot items" leaves the bot's own items out. */
export function meanUnits(turns: TurnCapacity[], kind: "reported" | "computed" | "without bot items", from = 0, to = CAPACITY_TURNS, table?: string): Units {
  const slice = turns.slice(from, to);
  const n = slice.length || NaN;
  const of = (t: TurnCapacity): Units =>
    table ? (t.byTable[table] ?? { read: 0, write: 0 }) : kind === "without bot items" ? { read: t.reported.read - t.botItems.read, write: t.reported.write - t.botItems.write } : t[kind];
  return { read: slice.reduce((a, t) => a + of(t).read, 0) / n, write: slice.reduce((a, t) => a + of(t).write, 0) / n };
}

/** Units per turn of the session item alone over turns [from, to), from its sizes: its consistent read, its put over the previous item. */
export function sessionItemUnits(turns: TurnCapacity[], from = 0, to = CAPACITY_TURNS): Units {
  const slice = turns.slice(from, to);
  const n = slice.length || NaN;
  const previous = (i: number) => (from + i > 0 ? turns[from + i - 1]!.itemBytes : 0);
  return {
    read: slice.reduce((a, _t, i) => a + readUnits(previous(i)), 0) / n,
    write: slice.reduce((a, t, i) => a + writeUnits(t.itemBytes, previous(i)), 0) / n,
  };
}
