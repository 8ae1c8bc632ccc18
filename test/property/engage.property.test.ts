import fc from "fast-check";
import { AccountStore } from "../../bot/accounts";
import { handler as engageApi } from "../../functions/engage-api";
import { localSecrets } from "../support/local-secrets";
import { useRuntime, type Runtime } from "../../lib/runtime";
import { useHarness } from "../support/harness";
import {
  anyBody,
  asPayload,
  brokenBody,
  contentType,
  forgedSecret,
  isOversized,
  nonObjectJson,
  pollutionPayload,
  rawPayload,
  REMOVE,
  setAt,
  text,
  type Json,
  type Payload,
} from "./arbitraries";
import { expectContract, expectNoPollution, expectNoStateChange, expectStatus, issuePaths, RUNS, send } from "./support";
import { bankBot } from "../../bot";

/**
 * Sinch Engage API steps (GET/POST/PUT/PATCH/DELETE /engage/{action}) under fast-check: forged bearer tokens
 * never get in, bad inputs get a JSON 400/404 and move no money, no authenticated call yields a 5xx, and a
 * valid transfer moves exactly its amount.
 */
jest.setTimeout(60_000);
const METHODS = ["GET", "POST", "PUT", "PATCH", "DELETE"] as const;
const h = useHarness(Object.fromEntries(METHODS.map((m) => [`${m} /engage/{action}`, engageApi as never])));
let rt: Runtime;
let accounts: AccountStore;
beforeAll(() => {
  // The example bank's Engage actions (transfer, balance) are the ones under test.
  rt = h.store.runtime({ userBot: bankBot });
  useRuntime(rt);
  accounts = new AccountStore(rt.botStore);
});
afterAll(() => expectNoPollution());

const TOKEN = localSecrets.ENGAGE_API_TOKEN;
const bearer = { authorization: `Bearer ${TOKEN}` };

const encodable = (s: string) => {
  try {
    encodeURIComponent(s);
    return true;
  } catch {
    return false;
  }
};
/** Action names: the two real ones, names of Object.prototype members, anything else (a path segment). */
const actionName = fc.oneof(
  { weight: 4, arbitrary: fc.constantFrom("transfer", "balance") },
  { weight: 2, arbitrary: fc.constantFrom("__proto__", "constructor", "toString", "hasOwnProperty", "prototype", "valueOf", "Transfer", "transfer.json", "%25", "launchRocket") },
  { weight: 1, arbitrary: text.filter((s) => s !== "" && s !== "." && s !== ".." && encodable(s)) },
);
const url = (action: string, query: Record<string, string> = {}) => {
  const qs = new URLSearchParams(query).toString();
  return `${h.api.url}/engage/${encodeURIComponent(action)}${qs ? `?${qs}` : ""}`;
};
const query = fc.dictionary(fc.constantFrom("amount", "userId", "accountType", "sessionId", "x", "__proto__", "constructor"), text.map((s) => s.replace(/[\ud800-\udfff]/g, "?")), { maxKeys: 3 });

/** The vendor's money-transfer body and the balance body, for varying users. */
const transferBody = (userId: string, extra: Record<string, Json> = {}): Json => ({
  amount: 500,
  destination: "Elon Musk",
  accountType: "savings_account",
  transactionSuccess: "successful transaction",
  transactionNoMoney: "unsuccessful transaction",
  userId,
  ...extra,
});
const fixture: fc.Arbitrary<Json> = fc.tuple(fc.uuid(), fc.boolean(), fc.boolean()).map(([id, transfer, inSession]) => {
  const extra: Record<string, Json> = inSession ? { sessionId: `s-${id}`, requestId: `r-${id}`, "internal.channel": "whatsapp", locale: "de" } : {};
  return transfer ? transferBody(`u-${id}`, extra) : { accountType: "regular", userId: `u-${id}`, ...extra };
});

const call = (method: string, action: string, body: Payload | undefined, headers: Record<string, string>, q: Record<string, string> = {}) =>
  send(url(action, q), { method, headers, body: body?.raw });

type Forged = { note: string; header?: string };
const forgedAuthorization: fc.Arbitrary<Forged> = fc.oneof(
  fc.constant({ note: "no Authorization" }),
  forgedSecret(TOKEN).map((t) => ({ note: "wrong token", header: `Bearer ${t}` })),
  fc.constantFrom<Forged>(
    { note: "Basic scheme", header: `Basic ${TOKEN}` },
    { note: "Basic base64", header: `Basic ${Buffer.from(`user:${TOKEN}`).toString("base64")}` },
    { note: "no scheme", header: TOKEN },
    { note: "Token scheme", header: `Token ${TOKEN}` },
    { note: "Bearer alone", header: "Bearer" },
    { note: "no space", header: `Bearer${TOKEN}` },
    { note: "two tokens", header: `Bearer ${TOKEN} ${TOKEN}` },
    { note: "token first", header: `${TOKEN} Bearer` },
    { note: "empty", header: "" },
  ),
);

test("forged or missing bearer tokens get 401 (413 over 1 MB) on every method and action, and change nothing", async () => {
  const request = fc.record({ method: fc.constantFrom(...METHODS), action: actionName, body: anyBody(fixture, { depths: [3, 3000] }), type: contentType, auth: forgedAuthorization, q: query });
  await fc.assert(
    fc.asyncProperty(fc.array(request, { minLength: 1, maxLength: 4 }), async (batch) => {
      await expectNoStateChange(
        h.store,
        rt,
        batch.map(({ method, action, body, type, auth, q }) => async () => {
          const res = await call(method, action, body, { ...type, ...(auth.header === undefined ? {} : { authorization: auth.header }) }, q);
          expectStatus(res, isOversized(body) && method !== "GET" ? [413] : [401], `${method} ${action} ${auth.note}`);
        }),
      );
    }),
    { numRuns: RUNS.unauthenticated },
  );
});

type Broken = Json | typeof REMOVE;
/** Inputs the transfer action refuses, and the field its 400 must name. */
const TRANSFER_BREAKS: Array<{ field: string; values: Broken[] }> = [
  { field: "amount", values: [REMOVE, "abc", -5, 0, 0.004, null, "", {}, "1e400", "Infinity", "NaN"] },
  { field: "accountType", values: [REMOVE, "crypto", 5, null, [], "", "toString", "hasOwnProperty", "valueOf", "__proto__", "constructor"] },
  { field: "destination", values: [REMOVE, "", []] },
  { field: "transactionSuccess", values: [REMOVE, "", []] },
  { field: "transactionNoMoney", values: [REMOVE, "", []] },
];

test("authenticated calls with bad inputs, bodies or actions get a JSON 400/404 naming the problem, and move no money", async () => {
  const withBody = fc.constantFrom("POST", "PUT", "PATCH", "DELETE");
  const schemaBreak = fc.tuple(fc.constantFrom(...TRANSFER_BREAKS), fc.uuid(), withBody, fc.option(pollutionPayload)).chain(([brk, id, method, extra]) =>
    fc.constantFrom(...brk.values).map((value) => {
      let body = setAt(transferBody(`u-${id}`, { sessionId: `s-${id}` }), [brk.field], value);
      if (extra) body = setAt(body, ["__proto__"], extra);
      return { method, action: "transfer", body: asPayload(body, `${brk.field} := ${value === REMOVE ? "(removed)" : JSON.stringify(value)}`), status: 400, issue: brk.field as string | undefined };
    }),
  );
  const broken = fc.tuple(withBody, fc.constantFrom("transfer", "balance"), fc.oneof(brokenBody(fixture), nonObjectJson)).map(([method, action, body]) => ({
    method,
    action,
    body,
    status: 400,
    issue: undefined,
  }));
  const unknown = fc.tuple(fc.constantFrom(...METHODS), actionName.filter((a) => a !== "transfer" && a !== "balance"), fixture).map(([method, action, f]) => ({
    method,
    action,
    body: asPayload(f),
    status: 404,
    issue: undefined,
  }));
  // A blank body means "no body" to Engage (query parameters only), so it is not a broken one.
  const request = fc.oneof(schemaBreak, broken, unknown).filter((r) => !(r.method === "GET" && r.status === 400) && Buffer.from(r.body.raw).toString("utf8").trim() !== "");
  await fc.assert(
    fc.asyncProperty(fc.array(request, { minLength: 1, maxLength: 4 }), async (batch) => {
      await expectNoStateChange(
        h.store,
        rt,
        batch.map(({ method, action, body, status, issue }) => async () => {
          const res = await call(method, action, body, { "content-type": "application/json", ...bearer });
          expectStatus(res, [status], `${method} ${action} ${String(body)}`);
          if (issue !== undefined && !issuePaths(res).includes(issue)) throw new Error(`400 does not name ${issue}: ${res.text}`);
          if (status === 404) expect((res.json as { error: string }).error).toBe(`unknown action "${action}"`);
        }),
      );
    }),
    { numRuns: RUNS.invalid },
  );
});

test("no authenticated call, however mutated, gets a 5xx or a non-JSON error; successes keep Engage's answer shape", async () => {
  // The input is validated and read, never stored as is: any key and thousands of levels of nesting are fair game.
  const request = fc.record({ method: fc.constantFrom(...METHODS), action: actionName, body: anyBody(fixture, { depths: [2, 300, 5000, 20000] }), type: contentType, q: query });
  await fc.assert(
    fc.asyncProperty(request, async ({ method, action, body, type, q }) => {
      const res = await call(method, action, body, { ...type, ...bearer }, q);
      expectNoPollution();
      expectStatus(res, isOversized(body) && method !== "GET" ? [413] : [200, 400, 404], `${method} ${action} ${String(body)}`);
      if (res.status !== 200) return;
      const answer = res.json as Record<string, unknown>;
      expect(Object.keys(answer).every((k) => ["session", "messages", "action"].includes(k))).toBe(true);
      if (answer.session) expect(answer.session).toEqual({ namespace: expect.any(String), data: expect.any(Object) });
      if (answer.action) expect(answer.action).toEqual({ nextDialogstate: expect.any(String) });
    }),
    { numRuns: RUNS.mutated },
  );
});

test("a valid transfer moves exactly its amount when balance plus limit allow it, answers the new balance, and mirrors it into the session", async () => {
  const transfer = fc.record({
    id: fc.uuid(),
    cents: fc.integer({ min: 1, max: 250_000 }),
    accountType: fc.constantFrom("savings_account", "savings", "saving", "regular", "regular_account", "current", "checking", " Savings "),
    method: fc.constantFrom("POST", "PUT", "PATCH", "DELETE", "GET"),
    inSession: fc.boolean(),
  });
  await fc.assert(
    fc.asyncProperty(transfer, async ({ id, cents, accountType, method, inSession }) => {
      const userId = `valid-${id}`;
      const kind = /sav/i.test(accountType) ? "savings" : "regular";
      const before = (await accounts.accounts(userId))[kind];
      const amount = cents / 100;
      const input = { amount, destination: "Bob", accountType, transactionSuccess: "st_ok", transactionNoMoney: "st_no", userId, ...(inSession ? { sessionId: `s-${id}` } : {}) };
      const res =
        method === "GET"
          ? await call("GET", "transfer", undefined, bearer, Object.fromEntries(Object.entries(input).map(([k, v]) => [k, String(v)])))
          : await call(method, "transfer", asPayload(input), { "content-type": "application/json", ...bearer });
      expectStatus(res, [200], JSON.stringify(input));
      const enough = before.balance + before.limit - amount >= 0;
      const balance = enough ? Math.round((before.balance - amount) * 100) / 100 : before.balance;
      expect(res.json).toEqual({ session: { namespace: "account", data: { limit: before.limit, amount: balance } }, action: { nextDialogstate: enough ? "st_ok" : "st_no" } });
      expect((await accounts.accounts(userId))[kind].balance).toBe(balance);
      if (inSession) {
        expect(await rt.sessions.load("engage", `s-${id}`, Date.now())).toMatchObject({ version: 1, state: enough ? "st_ok" : "st_no", namespaces: { account: { limit: before.limit, amount: balance } } });
      }
    }),
    { numRuns: RUNS.valid },
  );
});

describe("regressions: bugs the properties found, now fixed", () => {
  // Was a bug (fixed): bot/engage-actions.ts looks accountType up in a plain object literal (ACCOUNT_SYNONYMS[value.trim().toLowerCase()]):
  // "__proto__" finds Object.prototype and "constructor" finds Object, both pass the `!== undefined` refine, and
  // the action then reads accounts[<that object>] → TypeError → 500 {"error":"internal error"} (transfer and balance).
  test.each([
    ["POST", "transfer", "__proto__"],
    ["POST", "transfer", "Constructor"],
    ["GET", "balance", "__proto__"],
    ["GET", "balance", "constructor"],
  ])("%s /engage/%s with accountType %s gets 400 naming accountType, not 500", async (method, action, accountType) => {
    const res =
      method === "GET"
        ? await call("GET", action, undefined, bearer, { accountType, userId: "proto-account" })
        : await call(method, action, asPayload(transferBody("proto-account", { accountType })), { "content-type": "application/json", ...bearer });
    expectStatus(res, [400]);
    expect(issuePaths(res)).toEqual(["accountType"]);
  });

  // Was a bug (fixed): an amount that is positive but rounds to 0.00 passes the schema (`positive()`), then AccountStore.transfer
  // throws RangeError("amount must be a positive number"), which nothing maps → 500 {"error":"internal error"}.
  test("a transfer of 0.001 gets a 400 naming amount, not 500", async () => {
    const res = await call("POST", "transfer", asPayload(transferBody("tiny-amount", { amount: 0.001 })), { "content-type": "application/json", ...bearer });
    expectStatus(res, [400]);
  });

  // Was a bug (fixed): long strings under the 1 MB cap are stored: a 450 KB destination goes into the account item's applied
  // list → 503 "session store unavailable (write account)"; a 450 KB transactionSuccess becomes the session's
  // state → 503 "(write session)"; a 3000-character sessionId exceeds the 2048-byte key → 503 "(read session)".
  // Engage retries nothing it cannot fix: these are 400s.
  test.each([
    ["destination", { destination: "d".repeat(450_000) }],
    ["transactionSuccess", { transactionSuccess: "a".repeat(450_000), sessionId: "long-state" }],
    ["sessionId", { sessionId: "s".repeat(3000) }],
  ])("a transfer with a huge %s gets a 4xx, not 503", async (_field, extra) => {
    expectContract(await call("POST", "transfer", rawPayload(JSON.stringify(transferBody("huge-field", extra as Record<string, Json>)), "huge field"), { "content-type": "application/json", ...bearer }));
  });
});
