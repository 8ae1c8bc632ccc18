import { ScanCommand } from "@aws-sdk/lib-dynamodb";
import type { Runtime } from "../../lib/runtime";
import type { LocalJobQueue } from "../../lib/jobs/local-queue";
import type { TestStore } from "../support/local-dynamo";

/**
 * Helpers of the property suites (test/property/*.property.test.ts): one HTTP call with a hard timeout,
 * the answer contract every endpoint shares, a snapshot of both tables, and a prototype-pollution check.
 */

export interface Answer {
  status: number;
  contentType: string;
  correlationId: string | null;
  text: string;
  /** The parsed body, or NOT_JSON when the body is not JSON (undefined when it is empty). */
  json: unknown;
}

export const NOT_JSON = Symbol("not JSON");

export type Body = string | Uint8Array;

/** The exact bytes sent for a body (what a signature must cover). */
export const bytesOf = (body: Body): Buffer => (typeof body === "string" ? Buffer.from(body, "utf8") : Buffer.from(body));

/** One request over real HTTP; a hung handler fails the property within 15 s instead of hanging the suite. */
export async function send(url: string, { method = "POST", headers = {}, body }: { method?: string; headers?: Record<string, string>; body?: Body | undefined }): Promise<Answer> {
  const res = await fetch(url, {
    method,
    headers,
    ...(body === undefined || method === "GET" || method === "HEAD" ? {} : { body: new Uint8Array(bytesOf(body)) }),
    signal: AbortSignal.timeout(15_000),
  });
  const text = await res.text();
  let json: unknown;
  if (text !== "") {
    try {
      json = JSON.parse(text);
    } catch {
      json = NOT_JSON;
    }
  }
  return { status: res.status, contentType: res.headers.get("content-type") ?? "", correlationId: res.headers.get("x-correlation-id"), text, json };
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => typeof value === "object" && value !== null && !Array.isArray(value);

/** What each status's error message must talk about, so a 4xx names its problem. */
const ERROR_TOPIC: Record<number, RegExp> = {
  400: /JSON|schema|empty|body|input|context|chatId|parameters/i,
  401: /signature|token|secret|header|client id|credential/i,
  404: /unknown action/,
  413: /exceeds 1048576 bytes/,
};

/**
 * The contract of every answer: never a 5xx; a 4xx is JSON (content type and body) holding an object with a
 * non-empty `error` string about its problem, and `issues` (when present) a list of {path, message}.
 * Every answer of our handlers carries an x-correlation-id. Returns a description of the breach, or undefined.
 */
export function contractBreach(res: Answer): string | undefined {
  const where = `${res.status} ${res.contentType} ${res.text.slice(0, 300)}`;
  if (res.status >= 500) return `5xx: ${where}`;
  if (!res.correlationId) return `no x-correlation-id: ${where}`;
  if (res.status < 400) return undefined;
  if (!/^application\/json\b/.test(res.contentType)) return `4xx without a JSON content type: ${where}`;
  if (!isPlainObject(res.json)) return `4xx body is not a JSON object: ${where}`;
  const { error, issues } = res.json;
  if (typeof error !== "string" || error.trim() === "") return `4xx without an error string: ${where}`;
  const topic = ERROR_TOPIC[res.status];
  if (topic && !topic.test(error)) return `4xx error does not name its problem (${topic}): ${where}`;
  if (issues !== undefined) {
    if (!Array.isArray(issues) || issues.length === 0) return `issues is not a non-empty list: ${where}`;
    if (!issues.every((i) => isPlainObject(i) && typeof i.path === "string" && typeof i.message === "string" && i.message !== "")) return `malformed issues: ${where}`;
  }
  return undefined;
}

/** Throws (so fast-check records a counterexample) when the answer breaks the shared contract. */
export function expectContract(res: Answer, context = ""): void {
  const breach = contractBreach(res);
  if (breach) throw new Error(`${breach}${context ? `\n  request: ${context}` : ""}`);
}

export function expectStatus(res: Answer, allowed: readonly number[], context = ""): void {
  expectContract(res, context);
  if (!allowed.includes(res.status)) throw new Error(`status ${res.status} not in [${allowed.join(", ")}]: ${res.text.slice(0, 300)}${context ? `\n  request: ${context}` : ""}`);
}

/** The issue paths of a 400 answer. */
export const issuePaths = (res: Answer): string[] =>
  isPlainObject(res.json) && Array.isArray(res.json.issues) ? res.json.issues.map((i: { path: string }) => i.path) : [];

/** Every item of both tables, through the runtime's document client, in a stable order. */
export async function snapshotTables(store: TestStore, rt: Runtime): Promise<string> {
  const out: Record<string, unknown[]> = {};
  for (const table of [store.tables.SESSIONS_TABLE, store.tables.EVENTS_TABLE]) {
    const items: Array<Record<string, unknown>> = [];
    let start: Record<string, unknown> | undefined;
    do {
      const page = await rt.doc.send(new ScanCommand({ TableName: table, ConsistentRead: true, ...(start ? { ExclusiveStartKey: start } : {}) }));
      items.push(...((page.Items ?? []) as Array<Record<string, unknown>>));
      start = page.LastEvaluatedKey;
    } while (start);
    const key = (i: Record<string, unknown>) => `${String(i.pk)}\u0000${String(i.sk ?? "")}`;
    out[table] = items.sort((a, b) => (key(a) < key(b) ? -1 : key(a) > key(b) ? 1 : 0));
  }
  return JSON.stringify(out);
}

/** Runs the local job queue's work to the end (TwoWay turns, LivePerson changes, late Kommunicate replies). */
export const drain = (rt: Runtime) => (rt.jobs as LocalJobQueue).drain();

/**
 * Sends a batch of requests that must not change anything (unauthenticated or invalid), checking each
 * answer with `check`, and throws when either table differs afterwards (after the job queue is drained).
 */
export async function expectNoStateChange(store: TestStore, rt: Runtime, requests: ReadonlyArray<() => Promise<void>>): Promise<void> {
  const before = await snapshotTables(store, rt);
  for (const request of requests) await request();
  await drain(rt);
  const after = await snapshotTables(store, rt);
  if (after !== before) throw new Error(`stored state changed:\n  before ${before.slice(0, 400)}\n  after  ${after.slice(0, 400)}`);
}

/** Own property descriptors as null-prototype objects in a Map: nothing read from them can come from a polluted prototype. */
function descriptors(proto: object): Map<PropertyKey, PropertyDescriptor> {
  return new Map(Reflect.ownKeys(proto).map((key) => [key, Object.assign(Object.create(null) as PropertyDescriptor, Object.getOwnPropertyDescriptor(proto, key))]));
}

/** The prototypes a JSON payload could try to pollute, with their own properties as this module found them. */
const PROTOTYPES = (
  [
    ["Object.prototype", Object.prototype],
    ["Array.prototype", Array.prototype],
    ["Function.prototype", Function.prototype],
    ["String.prototype", String.prototype],
  ] as Array<[string, object]>
).map(([name, proto]): [string, object, Map<PropertyKey, PropertyDescriptor>] => [name, proto, descriptors(proto)]);

/**
 * Throws when a prototype gained or changed a property, or a marker key reads as defined on `{}` or `[]`.
 * It first puts the prototypes back, so that the failure is reported at once (a polluted Object.prototype
 * breaks the embedded store too) and fast-check can go on shrinking.
 */
export function expectNoPollution(): void {
  const found: string[] = [];
  for (const [name, proto, original] of PROTOTYPES) {
    const current = descriptors(proto);
    for (const [key, now] of current) {
      const before = original.get(key);
      if (before && before.value === now.value && before.get === now.get && before.set === now.set) continue;
      found.push(`${name}.${String(key)}`);
      if (before) Object.defineProperty(proto, key, before);
      else delete (proto as Record<PropertyKey, unknown>)[key];
    }
  }
  for (const key of POLLUTION_MARKERS) {
    if (({} as Record<string, unknown>)[key] !== undefined || ([] as unknown as Record<string, unknown>)[key] !== undefined) found.push(`({}).${key}`);
  }
  if (found.length) throw new Error(`prototype pollution: ${found.join(", ")}`);
}

/** Keys the pollution payloads (arbitraries.ts) try to plant on prototypes. */
export const POLLUTION_MARKERS = ["polluted", "isAdmin", "toJSON", "then", "status"] as const;

/**
 * Property runs per test, kept small: the whole property suite shares a 2-core machine. PROPERTY_RUNS_SCALE=10
 * runs ten times as many (a longer hunt for counterexamples, by hand).
 */
const SCALE = Math.max(1, Number(process.env.PROPERTY_RUNS_SCALE ?? 1) || 1);
const runs = (n: number) => Math.round(n * SCALE);
export const RUNS = { unauthenticated: runs(12), invalid: runs(12), mutated: runs(40), valid: runs(10), deep: runs(8) } as const;
