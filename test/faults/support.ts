import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { ProvisionedThroughputExceededException, ThrottlingException } from "@aws-sdk/client-dynamodb";
import { say } from "../../lib/conversation";
import { defineBot } from "../../lib/engine/bot";
import type { Runtime } from "../../lib/runtime";
import { accountKey } from "../../bot/accounts";

/**
 * Shared by the fault suites (test/faults): fault injection at the real DynamoDB client, a counting bot,
 * and a platform's redelivery loop. Nothing here replaces the store or HTTP: faults are added to the
 * real client's middleware stack, every other request reaches the embedded DynamoDB.
 */

/**
 * Where a fault is injected in the SDK's middleware stack (AWS SDK v3: initialize → serialize → build →
 * finalizeRequest → deserialize; the retry middleware sits at finalizeRequest, priority high, and wraps
 * everything after it):
 * - "call": step `initialize`, once per `doc.send()`, OUTSIDE the retry middleware. The SDK never sees the
 *   error, so its own retries (maxAttempts 3, lib/session/dynamo.ts) are not involved: the engine gets it at
 *   once. This models a fault that outlived the SDK's retries, without paying for their backoff.
 * - "attempt": step `deserialize`, once per HTTP attempt, INSIDE the retry loop. The SDK's retry strategy
 *   classifies the error (throttling, transient network) and retries it with its own backoff, up to 3
 *   attempts in all, exactly as it would a real throttled or reset request.
 */
export type FaultLayer = "call" | "attempt";

export type DynamoCommand = "GetItemCommand" | "PutItemCommand" | "QueryCommand";

export interface Fault {
  layer: FaultLayer;
  command: DynamoCommand;
  /** Only requests to this table. */
  table?: string;
  /** Only requests on an item whose pk matches (the table's partition key). */
  pk?: RegExp;
  /** How many matching requests fail; Infinity = a persistent fault. */
  times: number;
  error: () => Error;
  /**
   * "before" (default): the request never reaches the store. "after": the store applies it, then the
   * answer is lost (a reset connection after a successful write). Only meaningful on the "attempt" layer.
   */
  when?: "before" | "after";
}

export interface SeenRequest {
  layer: FaultLayer;
  command: string;
  table?: string;
  pk?: string;
  failed: boolean;
}

export interface FaultInjector {
  /** Adds a fault; returns it so a test can set `times = 0` to end it. */
  add(fault: Fault): Fault;
  clear(): void;
  /** Every request seen on both layers, in order (a "call" entry per send, an "attempt" entry per HTTP attempt). */
  seen: SeenRequest[];
  /** Requests of one command on one layer (optionally for one item). */
  count(layer: FaultLayer, command: DynamoCommand, pk?: RegExp): number;
}

/** The partition key of a request, from the document input (initialize) or the marshalled one (deserialize). */
function pkOf(input: unknown): string | undefined {
  const record = (input ?? {}) as { Key?: { pk?: unknown }; Item?: { pk?: unknown }; ExpressionAttributeValues?: Record<string, unknown> };
  const raw = record.Item?.pk ?? record.Key?.pk ?? record.ExpressionAttributeValues?.[":pk"];
  if (typeof raw === "string") return raw;
  if (raw && typeof raw === "object" && typeof (raw as { S?: unknown }).S === "string") return (raw as { S: string }).S;
  return undefined;
}

export function injectFaults(rt: Runtime): FaultInjector {
  const faults: Fault[] = [];
  const seen: SeenRequest[] = [];
  const matching = (layer: FaultLayer, { command, table, pk }: SeenRequest, when: "before" | "after") =>
    faults.find(
      (f) =>
        f.layer === layer &&
        (f.when ?? "before") === when &&
        f.command === command &&
        f.times > 0 &&
        (!f.table || f.table === table) &&
        (!f.pk || (pk !== undefined && f.pk.test(pk))),
    );

  const middleware = (layer: FaultLayer) =>
    ((next: (args: unknown) => Promise<unknown>, context: { commandName?: string }) => async (args: { input?: { TableName?: unknown } }) => {
      const pk = pkOf(args.input);
      const table = args.input?.TableName;
      const entry: SeenRequest = { layer, command: String(context.commandName), ...(typeof table === "string" ? { table } : {}), ...(pk !== undefined ? { pk } : {}), failed: false };
      seen.push(entry);
      const before = matching(layer, entry, "before");
      if (before) {
        before.times--;
        entry.failed = true;
        throw before.error();
      }
      const result = await next(args);
      const after = matching(layer, entry, "after");
      if (after) {
        after.times--;
        entry.failed = true;
        throw after.error();
      }
      return result;
    }) as never;

  rt.doc.middlewareStack.add(middleware("call"), { step: "initialize", name: "faultsPerCall" });
  rt.doc.middlewareStack.add(middleware("attempt"), { step: "deserialize", name: "faultsPerAttempt" });
  return {
    add: (fault) => (faults.push(fault), fault),
    clear: () => void (faults.length = 0),
    seen,
    count: (layer, command, pk) => seen.filter((s) => s.layer === layer && s.command === command && (!pk || (s.pk !== undefined && pk.test(s.pk)))).length,
  };
}

/** What DynamoDB answers when a partition is over its capacity (HTTP 400, retryable as throttling). */
export const provisionedThroughputExceeded = () =>
  new ProvisionedThroughputExceededException({ message: "injected: rate of requests exceeds the allowed throughput", $metadata: { httpStatusCode: 400 } });

/** DynamoDB's account-level throttle (HTTP 400, retryable as throttling). */
export const throttled = () => new ThrottlingException({ message: "injected: rate exceeded", $metadata: { httpStatusCode: 400 } });

/** A connection reset by the peer, as Node's HTTP client reports it (retryable as transient). */
export const connectionReset = () => Object.assign(new Error("injected: socket hang up"), { code: "ECONNRESET" });

/** Counts its turns in a session namespace and names the message in its answer: "m-7 is turn 12". */
export const countingBot = defineBot({
  initial: "count",
  defaultState: "count",
  states: {
    count: (ctx) => {
      const n = Number(ctx.namespaces.counter?.n ?? 0) + 1;
      return { session: { namespace: "counter", data: { n } }, messages: [say(`${ctx.text} is turn {counter.n}`)] };
    },
  },
});

/** The number a counting bot's answer text carries. */
export const turnNumber = (text: string) => Number(/is turn (\d+)$/.exec(text)?.[1]);

export interface Answered<R> {
  id: string;
  res: R;
}

/**
 * A platform's at-least-once delivery of a burst: every message id is delivered `copies` times at the same
 * moment (a redelivery racing the original), and a copy answered 503 is offered again after a pause, as
 * the README's "503 + Retry-After: 1" asks, until the platform has an answer for that message. The pause
 * honours Retry-After (at least 1 s) and is spread over 1–3 s, as platforms jitter their retries: offering
 * the 503s again at once keeps a hundred deliveries racing on one item, and against the in-process store
 * that costs ~1,700 read-modify-write rounds and 30–45 s instead of ~5 s.
 *
 * `perCopy: false`: the platform retries a message, so once one copy got an answer the other copy's 503 is
 * not offered again. `perCopy: true`: every copy is redelivered on its own until it gets an answer, so some
 * duplicates arrive long after the original, behind many newer messages. Returns every answer, 503s
 * included, in arrival order.
 */
export async function burst<R extends { status: number }>(
  ids: readonly string[],
  send: (id: string) => Promise<R>,
  { copies = 2, perCopy = false, minPauseMs = 1000, maxPauseMs = 3000 }: { copies?: number; perCopy?: boolean; minPauseMs?: number; maxPauseMs?: number } = {},
): Promise<Array<Answered<R>>> {
  const answered = new Set<string>();
  const all: Array<Answered<R>> = [];
  const deliver = async (id: string) => {
    for (let delivery = 1; delivery <= 100; delivery++) {
      const res = await send(id);
      all.push({ id, res });
      if (res.status !== 503) return void answered.add(id);
      await new Promise((resolve) => setTimeout(resolve, minPauseMs + Math.random() * (maxPauseMs - minPauseMs)));
      if (!perCopy && answered.has(id)) return;
    }
    throw new Error(`message ${id} still answered 503 after 100 deliveries`);
  };
  await Promise.all(ids.flatMap((id) => Array.from({ length: copies }, () => deliver(id))));
  return all;
}

/** A platform sending one message until it is accepted (not 503). */
export async function deliverUntilAccepted<R extends { status: number }>(send: () => Promise<R>): Promise<R[]> {
  const attempts: R[] = [];
  for (let i = 0; i < 20; i++) {
    const res = await send();
    attempts.push(res);
    if (res.status !== 503) return attempts;
  }
  throw new Error("still 503 after 20 deliveries");
}

/** A bank account item as stored (bot/accounts.ts), read straight from the table. */
export interface StoredAccount {
  version: number;
  accounts: Record<"regular" | "savings", { balance: number; limit: number }>;
  applied: Array<{ id: string; outcome: { status: string; balance: number; amount: number } }>;
}

export async function readAccount(rt: Runtime, userId: string): Promise<StoredAccount | undefined> {
  const out = await rt.doc.send(new GetCommand({ TableName: rt.settings.SESSIONS_TABLE, Key: { pk: accountKey(userId) }, ConsistentRead: true }));
  return out.Item as StoredAccount | undefined;
}
