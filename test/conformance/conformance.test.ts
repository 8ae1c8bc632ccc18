import { existsSync, readdirSync } from "node:fs";
import { join } from "node:path";
import { endpointHandler } from "../../lib/platforms/endpoint-handler";
import { MAX_BODY_BYTES } from "../../lib/http/middlewares";
import type { Platform } from "../../lib/platforms/platform";
import { platforms } from "../../lib/platforms/registry";
import { useRuntime, type Runtime } from "../../lib/runtime";
import { drain, send, snapshotTables, type Answer } from "../property/support";
import { useHarness } from "../support/harness";
import type { ConformanceContext, EndpointConformance, PlatformConformance, RawOrJson, ValidRequest } from "./contract";

/**
 * The conformance suite: every endpoint of every registered platform (lib/platforms/registry.ts), built as its
 * function file builds it (endpointHandler) and served on the loopback API Gateway stand-in with the embedded
 * store. Per endpoint: a missing or forged credential is refused (401, JSON `error`) and changes neither table;
 * malformed bodies get a JSON 4xx, never a 5xx, and change nothing (a BOM before a valid body is fine); a
 * redelivery gets the same answer and changes nothing more, also through a fresh job queue (after SQS's
 * deduplication window); a body over 1 MB gets 413. What each platform must supply is in ./contract.ts, one file
 * per platform in ./platforms/<id>.ts, and a registered platform without one fails here.
 */
jest.setTimeout(60_000);

const FILES = join(__dirname, "platforms");
const fileOf = (platform: Platform) => join(FILES, `${platform.id}.ts`);

/** The platform's conformance file, or why it cannot be used (reported by the platform's first test). */
function load(platform: Platform): { conformance?: PlatformConformance; problem?: string } {
  const file = fileOf(platform);
  const add = `add test/conformance/platforms/${platform.id}.ts exporting \`conformance = defineConformance(${platform.id}, { env?, endpoints: { ${Object.keys(platform.endpoints).join(", ")} } })\` (see test/conformance/contract.ts)`;
  if (!existsSync(file)) return { problem: `${platform.name} (${platform.id}) is registered but has no conformance file: ${add}` };
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const conformance = (require(file) as { conformance?: PlatformConformance }).conformance;
  if (!conformance) return { problem: `${file} does not export \`conformance\`: ${add}` };
  const declared = Object.keys(platform.endpoints);
  const described = Object.keys(conformance.endpoints);
  const missing = declared.filter((name) => !described.includes(name));
  const extra = described.filter((name) => !declared.includes(name));
  const unexplained = described.filter((name) => {
    const e = conformance.endpoints[name]!;
    const exceptional =
      (e.credential ?? "header") !== "header" || (e.redelivery ?? "deduplicated") !== "deduplicated" || (e.fields ?? "typed") !== "typed" || !!e.unboundedFields?.length;
    return exceptional && !e.why?.trim();
  });
  const problems = [
    ...(missing.length ? [`endpoints not described: ${missing.join(", ")}`] : []),
    ...(extra.length ? [`endpoints the descriptor does not have: ${extra.join(", ")}`] : []),
    ...(unexplained.length ? [`an exception is declared without \`why\`: ${unexplained.join(", ")}`] : []),
  ];
  return problems.length ? { problem: `${file}: ${problems.join("; ")}` } : { conformance };
}

// Every route of every registered platform, each to the handler its function file exports.
const routes = Object.fromEntries(
  platforms.flatMap((platform) =>
    Object.entries(platform.endpoints).flatMap(([name, endpoint]) => {
      const handler = endpointHandler(platform, name);
      return endpoint.routes.map((route) => [route, handler as never]);
    }),
  ),
);
const h = useHarness(routes);

let counter = 0;
const unique = (prefix: string) => `${prefix}-${Date.now().toString(36)}-${++counter}`;
const BOM = Buffer.from([0xef, 0xbb, 0xbf]);
const bytes = (body: RawOrJson): Buffer => Buffer.from(typeof body === "string" ? body : JSON.stringify(body), "utf8");

/** `POST /bots/{botId}` + {botId: "b"} → POST and /bots/b. */
function resolve(route: string, params: Readonly<Record<string, string>> = {}): { method: string; path: string } {
  const [method, pattern] = route.split(" ") as [string, string];
  const path = pattern.replace(/\{(\w+)\}/g, (_, name: string) => {
    const value = params[name];
    if (value === undefined) throw new Error(`route ${route}: the valid request gives no value for {${name}} (ValidRequest.params)`);
    return encodeURIComponent(value);
  });
  return { method, path };
}

const isObject = (v: unknown): v is Record<string, unknown> => typeof v === "object" && v !== null && !Array.isArray(v);

/** The answer is a JSON error of one of these statuses (and carries its correlation id). */
function expectJsonError(res: Answer, statuses: readonly number[], request: string): void {
  const where = `${request} → ${res.status} ${res.contentType} ${res.text.slice(0, 300)}`;
  if (!statuses.includes(res.status)) throw new Error(`expected ${statuses.join(" or ")}: ${where}`);
  if (!/^application\/json\b/.test(res.contentType)) throw new Error(`error answer is not JSON: ${where}`);
  if (!isObject(res.json) || typeof res.json.error !== "string" || !res.json.error.trim()) throw new Error(`error answer has no \`error\` string: ${where}`);
  if (!res.correlationId) throw new Error(`no x-correlation-id: ${where}`);
}

/** Replacements for a field: each of another JSON type, or an edge of its own. */
const REPLACEMENTS: unknown[] = [null, 0, -1.5, "", "x".repeat(3000), true, [], {}, ["a"], { $: 1 }, 1e308, "__proto__"];
/** Over DynamoDB's 400 KB item size, well under the 1 MB body limit. */
const BIG_STRING = 420_000;
const SCALE = Number(process.env.CONFORMANCE_MUTATIONS ?? 1);

/** Every path to a value inside `value` (objects and arrays included, the root excluded). */
function paths(value: unknown, prefix: Array<string | number> = []): Array<Array<string | number>> {
  if (Array.isArray(value)) return value.flatMap((v, i) => [[...prefix, i], ...paths(v, [...prefix, i])]);
  if (isObject(value)) return Object.entries(value).flatMap(([k, v]) => [[...prefix, k], ...paths(v, [...prefix, k])]);
  return [];
}
function replaced(value: unknown, path: ReadonlyArray<string | number>, by: unknown): unknown {
  if (!path.length) return by;
  const [head, ...rest] = path;
  if (Array.isArray(value)) return value.map((v, i) => (i === head ? replaced(v, rest, by) : v));
  return { ...(value as Record<string, unknown>), [head!]: replaced((value as Record<string, unknown>)[head!], rest, by) };
}
/** Each field of a valid body replaced by one value of another type (rotating through REPLACEMENTS; CONFORMANCE_MUTATIONS=n tries n each). */
function mutations(body: unknown): Array<[string, unknown]> {
  const out: Array<[string, unknown]> = [];
  paths(body).forEach((path, i) => {
    for (let k = 0; k < Math.min(SCALE, REPLACEMENTS.length); k++) {
      const by = REPLACEMENTS[(i + k) % REPLACEMENTS.length];
      out.push([`${path.join(".")} = ${JSON.stringify(by)?.slice(0, 20)}`, replaced(body, path, by)]);
    }
  });
  return out;
}

type Item = Record<string, unknown>;
type Tables = Record<string, Item[]>;
const keyOf = (item: Item) => `${String(item.pk)}\u0000${String(item.sk ?? "")}`;
/** The items of `next` that `previous` does not have, per table. */
function added(previous: string, next: string): Tables {
  const [a, b] = [JSON.parse(previous) as Tables, JSON.parse(next) as Tables];
  return Object.fromEntries(Object.entries(b).map(([table, items]) => [table, items.filter((item) => !(a[table] ?? []).some((old) => keyOf(old) === keyOf(item)))]));
}
/** An event record without what differs between two records of the same thing (its time and random sort key). */
const logged = ({ sk: _sk, at: _at, expiresAt: _expires, ...rest }: Item) => JSON.stringify(rest);

/**
 * `redelivery: "logged-again"`: from `previous` to `now` nothing changed but new records in the events table, each
 * a copy of one that the first delivery (from `before` to `once`) logged; the sessions table is as it was.
 */
function expectOnlyLoggedAgain(before: string, once: string, previous: string, now: string): void {
  const [prev, next] = [JSON.parse(previous) as Tables, JSON.parse(now) as Tables];
  const firstLogged = Object.values(added(before, once)).flat().map(logged);
  for (const [table, items] of Object.entries(added(previous, now))) {
    const removedOrChanged = (prev[table] ?? []).filter((item) => !(next[table] ?? []).some((n) => JSON.stringify(n) === JSON.stringify(item)));
    expect({ table, removedOrChanged }).toEqual({ table, removedOrChanged: [] });
    for (const item of items) {
      if (!("type" in item && "at" in item) || !firstLogged.includes(logged(item))) throw new Error(`a redelivery stored something new in ${table}: ${JSON.stringify(item).slice(0, 600)}`);
    }
  }
}

const FOUR_XX = Array.from({ length: 100 }, (_, i) => 400 + i);

test("every conformance file names a registered platform", () => {
  const stale = readdirSync(FILES)
    .filter((file) => file.endsWith(".ts"))
    .map((file) => file.slice(0, -".ts".length))
    .filter((id) => !platforms.some((p) => p.id === id));
  expect(stale).toEqual([]);
});

for (const platform of platforms) {
  describe(`${platform.name} (${platform.id})`, () => {
    const { conformance, problem } = load(platform);

    test("has a conformance file describing every endpoint", () => {
      if (problem) throw new Error(problem);
    });
    if (!conformance) return;

    let rt: Runtime;
    const ctx = (): ConformanceContext => ({ rt, url: h.api.url, unique });
    beforeAll(() => {
      rt = h.store.runtime({ env: conformance.env ?? {} });
      useRuntime(rt);
    });
    afterAll(async () => {
      await drain(rt);
      useRuntime(undefined);
    });

    for (const [name, endpoint] of Object.entries(platform.endpoints)) {
      const spec: EndpointConformance = conformance.endpoints[name]!;
      const credential = spec.credential ?? "header";
      const redelivery = spec.redelivery ?? "deduplicated";
      const because = spec.why ? ` (${spec.why})` : "";
      /** The route the body tests use: the first POST one. */
      const mainRoute: string = endpoint.routes.find((r) => r.startsWith("POST ")) ?? endpoint.routes[0]!;

      /** Sends `body` (signed unless headers are given) to a route of the endpoint. */
      async function call(route: string, valid: ValidRequest, body: RawOrJson | Buffer, headers?: Record<string, string>, query?: string): Promise<Answer> {
        const { method, path } = resolve(route, valid.params);
        const raw = Buffer.isBuffer(body) ? body : bytes(body);
        const sent = method === "GET" || method === "HEAD" ? Buffer.alloc(0) : raw;
        const auth = headers ?? (await spec.sign(sent, ctx()));
        return send(`${h.api.url}${path}${query ? `?${query}` : ""}`, { method, headers: { "content-type": "application/json", ...auth }, body: sent });
      }

      /** Runs `requests` and throws when either table changed (the job queue drained). */
      async function expectUnchanged(requests: () => Promise<void>): Promise<void> {
        await drain(rt);
        const before = await snapshotTables(h.store, rt);
        await requests();
        await drain(rt);
        const after = await snapshotTables(h.store, rt);
        if (after !== before) throw new Error(`stored state changed:\n  before ${before.slice(0, 600)}\n  after  ${after.slice(0, 600)}`);
      }

      describe(`${name}`, () => {
        const refused = credential === "none-login" ? 400 : 401;
        test(`a missing or forged credential gets ${refused} with a JSON error and stores nothing, on every route${credential === "none-login" ? because : ""}`, async () => {
          const valid = await spec.valid(ctx());
          await expectUnchanged(async () => {
            for (const route of endpoint.routes) {
              const { method } = resolve(route, valid.params);
              const raw = method === "GET" ? Buffer.alloc(0) : bytes(valid.body);
              const forged = await spec.forge(raw, ctx());
              const variants = credential === "header" ? { "no credential": { headers: {} }, ...forged } : forged;
              expect(Object.keys(forged).length).toBeGreaterThan(0);
              for (const [what, forgery] of Object.entries(variants)) {
                const res = await call(route, valid, forgery.body === undefined ? raw : forgery.body, forgery.headers ?? {}, forgery.query);
                expectJsonError(res, [refused], `${route} with ${what}`);
              }
            }
          });
        });

        test("malformed bodies get a JSON 4xx, never a 5xx, and store nothing; a BOM before a valid body is accepted", async () => {
          const valid = await spec.valid(ctx());
          const text = bytes(valid.body).toString("utf8");
          const bodies: Record<string, RawOrJson | Buffer> = {
            empty: "",
            "not JSON": "hello, bot",
            "UTF-16 JSON": Buffer.from(`\ufeff${text}`, "utf16le"),
            "JSON nested 100 deep": `${'{"a":'.repeat(100)}1${"}".repeat(100)}`,
            "broken JSON": "{nope",
            truncated: text.slice(0, Math.floor(text.length / 2)),
            "a number": "42",
            "a string": '"hi"',
            null: "null",
            "an empty array": "[]",
            "the valid body in an array": `[${text}]`,
            ...Object.fromEntries(Object.entries(spec.wrongTypes(valid.body)).map(([k, v]) => [`wrong type: ${k}`, v])),
          };
          if ((spec.fields ?? "typed") === "typed" && !Object.keys(spec.wrongTypes(valid.body)).length) throw new Error(`${platform.id}.${name}: wrongTypes gives no variant (declare fields: "free-form" if none can exist)`);
          await expectUnchanged(async () => {
            for (const [what, body] of Object.entries(bodies)) expectJsonError(await call(mainRoute, valid, body), FOUR_XX, `${mainRoute} with ${what}`);
          });
          const fresh = await spec.valid(ctx());
          const bom = await call(mainRoute, fresh, Buffer.concat([BOM, bytes(fresh.body)]));
          await drain(rt);
          expect({ status: bom.status, text: bom.text.slice(0, 300) }).toEqual({ status: spec.status, text: expect.anything() });
        });

        test("mutated bodies (each field of a valid body given another type) never get a 5xx, nor a job that fails; a 4xx is a JSON error", async () => {
          const valid = await spec.valid(ctx());
          const body = typeof valid.body === "string" ? JSON.parse(valid.body) : valid.body;
          const deadLetters = async () => (await rt.events.list("jobs#dead-letter", 1000)).length;
          const failedBefore = await deadLetters();
          for (const [what, mutated] of mutations(body)) {
            const res = await call(mainRoute, valid, mutated);
            if (res.status >= 400) expectJsonError(res, FOUR_XX, `${mainRoute} with ${what}`);
          }
          await drain(rt);
          expect(await deadLetters()).toBe(failedBefore);
        });

        test(`a string field of ${BIG_STRING / 1000} KB (over DynamoDB's item size, under the body limit) never gets a 5xx, nor a job that fails${spec.unboundedFields?.length ? ` (except ${spec.unboundedFields.join(", ")}: ${spec.why})` : ""}`, async () => {
          const failedBefore = (await rt.events.list("jobs#dead-letter", 1000)).length;
          const first = await spec.valid(ctx());
          const shape = typeof first.body === "string" ? JSON.parse(first.body) : first.body;
          const strings = paths(shape).filter((path) => typeof path.reduce<unknown>((v, k) => (v as Record<string | number, unknown>)?.[k], shape) === "string");
          for (const path of strings.filter((p) => !spec.unboundedFields?.includes(p.join(".")))) {
            const valid = await spec.valid(ctx());
            const body = typeof valid.body === "string" ? JSON.parse(valid.body) : valid.body;
            const res = await call(mainRoute, valid, replaced(body, path, "y".repeat(BIG_STRING)));
            if (res.status >= 400) expectJsonError(res, FOUR_XX, `${mainRoute} with ${BIG_STRING} characters in ${path.join(".")}`);
          }
          await drain(rt);
          expect((await rt.events.list("jobs#dead-letter", 1000)).length).toBe(failedBefore);
        });

        const redeliveryName = {
          deduplicated: "a redelivery gets the same answer and changes nothing more (also through a fresh job queue)",
          "logged-again": `a redelivery gets the same answer and changes nothing but another copy of its log record${because}`,
          stateless: `a valid request stores nothing; a redelivery gets the same status${because}`,
          "not-deduplicated": `a redelivery is a new request: same status${because}`,
        }[redelivery];
        test(redeliveryName, async () => {
          const valid = await spec.valid(ctx());
          const raw = bytes(valid.body);
          await drain(rt);
          const before = await snapshotTables(h.store, rt);
          const first = await call(mainRoute, valid, raw);
          await drain(rt);
          const once = await snapshotTables(h.store, rt);
          expect({ status: first.status, text: first.text.slice(0, 300) }).toEqual({ status: spec.status, text: expect.anything() });
          if (redelivery === "stateless") expect(once).toBe(before);
          else expect(once).not.toBe(before);

          const again = await call(mainRoute, valid, raw);
          await drain(rt);
          expect(again.status).toBe(first.status);
          if (redelivery === "not-deduplicated") return;
          // A stateless answer may differ by the time it was made (a login's token carries its issue second).
          if (redelivery !== "stateless") expect(again.json).toEqual(first.json);
          const expectNoMoreChange = (previous: string, now: string) =>
            redelivery === "logged-again" ? expectOnlyLoggedAgain(before, once, previous, now) : expect(now).toBe(previous);
          const twice = await snapshotTables(h.store, rt);
          expectNoMoreChange(once, twice);

          // Later, on another instance: SQS no longer deduplicates, the handlers must.
          const later = h.store.runtime({ env: conformance.env ?? {} });
          useRuntime(later);
          try {
            const late = await call(mainRoute, valid, raw);
            await drain(later);
            expect({ status: late.status, json: redelivery === "stateless" ? undefined : late.json }).toEqual({ status: first.status, json: redelivery === "stateless" ? undefined : first.json });
            expectNoMoreChange(twice, await snapshotTables(h.store, later));
          } finally {
            useRuntime(rt);
          }
        });

        test("a body over 1 MB gets 413 with a JSON error and stores nothing; a valid body of exactly 1 MB is not refused for its size nor a 5xx", async () => {
          const valid = await spec.valid(ctx());
          const oversized = Buffer.from(JSON.stringify({ pad: "x".repeat(MAX_BODY_BYTES) }), "utf8");
          const binary = Buffer.alloc(MAX_BODY_BYTES + 1, 0xff);
          await expectUnchanged(async () => {
            expectJsonError(await call(mainRoute, valid, oversized), [413], `${mainRoute} with ${oversized.length} bytes`);
            expectJsonError(await call(mainRoute, valid, binary), [413], `${mainRoute} with ${binary.length} bytes, not text (base64 through API Gateway)`);
          });
          // The valid body with a padding field: at the limit, whatever the platform makes of the padding.
          const fresh = await spec.valid(ctx());
          const object = (typeof fresh.body === "string" ? JSON.parse(fresh.body) : fresh.body) as Record<string, unknown>;
          const padLength = MAX_BODY_BYTES - bytes({ ...object, pad: "" }).length;
          const atLimit = bytes({ ...object, pad: "x".repeat(padLength) });
          expect(atLimit.length).toBe(MAX_BODY_BYTES);
          const res = await call(mainRoute, fresh, atLimit);
          await drain(rt);
          if (res.status >= 400) expectJsonError(res, FOUR_XX.filter((s) => s !== 413), `${mainRoute} with a valid body of ${atLimit.length} bytes`);
        });
      });
    }
  });
}
