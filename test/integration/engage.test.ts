import { handler as engageApi } from "../../functions/engage-api";
import { AccountStore } from "../../bot/accounts";
import { useRuntime, type Runtime } from "../../lib/runtime";
import { defineAction } from "../../lib/engine/actions";
import { choice, say } from "../../lib/conversation";
import * as z from "zod/mini";
import { callEngage } from "../support/engage-client";
import { useHarness } from "../support/harness";
import { bankBot } from "../../bot";

/** Sinch Engage API steps over real HTTP on loopback, balances and sessions in the embedded DynamoDB. */
const h = useHarness(Object.fromEntries(["GET", "POST", "PUT", "PATCH", "DELETE"].map((m) => [`${m} /engage/{action}`, engageApi as never])));
let rt: Runtime;
let accounts: AccountStore;
let n = 0;
const user = () => `engage-user-${++n}-${Math.random().toString(36).slice(2, 7)}`;

beforeEach(() => {
  rt = h.store.runtime({ userBot: bankBot });
  useRuntime(rt);
  accounts = new AccountStore(rt.botStore);
});

const url = (action: string, query = "") => `${h.api.url}/engage/${action}${query}`;
/** The vendor's example body (seed 003), for one user. */
const seedBody = (userId: string, extra: Record<string, unknown> = {}) => ({
  amount: 500,
  destination: "Elon Musk",
  accountType: "savings_account",
  transactionSuccess: "successful transaction",
  transactionNoMoney: "unsuccessful transaction",
  test: 5,
  userId,
  ...extra,
});

describe("POST /engage/transfer", () => {
  test("the seed's money-transfer body: account namespace with limit and new balance, jump to transactionSuccess", async () => {
    const who = user();
    const res = await callEngage(url("transfer"), { body: seedBody(who) });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({
      session: { namespace: "account", data: { limit: 0, amount: 4500 } },
      action: { nextDialogstate: "successful transaction" },
    });
    expect((await accounts.accounts(who)).savings.balance).toBe(4500);
  });

  test("an amount beyond balance plus limit jumps to transactionNoMoney and moves no money", async () => {
    const who = user();
    const res = await callEngage(url("transfer"), { body: seedBody(who, { amount: 1700.01, accountType: "regular" }) });
    expect(res.json).toEqual({
      session: { namespace: "account", data: { limit: 500, amount: 1200 } },
      action: { nextDialogstate: "unsuccessful transaction" },
    });
    const after = await accounts.accounts(who);
    expect(after.regular.balance).toBe(1200);
    expect(after.savings.balance).toBe(5000);
    // Exactly balance + limit is allowed.
    const edge = await callEngage(url("transfer"), { body: seedBody(who, { amount: 1700, accountType: "regular" }) });
    expect(edge.json.action.nextDialogstate).toBe("successful transaction");
    expect((await accounts.accounts(who)).regular.balance).toBe(-500);
  });

  test("any finite positive amount is valid input: one beyond balance plus limit jumps to transactionNoMoney, not a 400", async () => {
    const who = user();
    for (const amount of [1_000_000.01, 1e7, 1e300, "2500000", 0.005]) {
      const res = await callEngage(url("transfer"), { body: seedBody(who, { amount }) });
      expect(res.status).toBe(200);
      const enough = Number(amount) <= 5000;
      expect(res.json.action.nextDialogstate).toBe(enough ? "successful transaction" : "unsuccessful transaction");
    }
    // 0.005 rounds to one cent: the only money that moved.
    expect((await accounts.accounts(who)).savings.balance).toBe(4999.99);
  });

  test("non-numbers, zero, negatives, non-finite values and amounts that round to 0 get a 400 naming amount", async () => {
    const who = user();
    for (const amount of ["abc", 0, -5, -1e300, "Infinity", "1e400", 0.004, "", null, {}]) {
      const res = await callEngage(url("transfer"), { body: seedBody(who, { amount }) });
      expect(res.status).toBe(400);
      expect(res.json.issues.map((i: any) => i.path)).toEqual(["amount"]);
    }
    expect((await accounts.accounts(who)).savings.balance).toBe(5000);
  });

  test("a retry of the same call (same requestId) is applied once and answered the same", async () => {
    const who = user();
    const body = seedBody(who, { requestId: "r-42", amount: 100 });
    const first = await callEngage(url("transfer"), { body });
    const retry = await callEngage(url("transfer"), { body });
    expect(retry.json).toEqual(first.json);
    expect((await accounts.accounts(who)).savings.balance).toBe(4900);
    // With a conversation key the session dedupes too, and the answer is replayed from the session item.
    const inSession = seedBody(who, { requestId: "r-43", amount: 100, sessionId: `s-${who}` });
    const a = await callEngage(url("transfer"), { body: inSession });
    const b = await callEngage(url("transfer"), { body: inSession });
    expect(b.json).toEqual(a.json);
    expect(a.json.session.data.amount).toBe(4800);
    expect((await accounts.accounts(who)).savings.balance).toBe(4800);
    // Without a requestId, the same body again is a new transfer (as the vendor's flow would mean it).
    await callEngage(url("transfer"), { body: seedBody(who, { amount: 100 }) });
    await callEngage(url("transfer"), { body: seedBody(who, { amount: 100 }) });
    expect((await accounts.accounts(who)).savings.balance).toBe(4600);
  });

  test("twenty concurrent transfers never take the account past its limit, and the balances add up", async () => {
    const who = user();
    const answers = await Promise.all(
      Array.from({ length: 20 }, () => callEngage(url("transfer"), { body: seedBody(who, { accountType: "regular", amount: 100 }) })),
    );
    expect(answers.map((a) => a.status)).toEqual(Array(20).fill(200));
    const done = answers.filter((a) => a.json.action.nextDialogstate === "successful transaction").length;
    expect(done).toBe(17); // 1200 + 500 overdraft = 1700 = 17 × 100
    const final = (await accounts.accounts(who)).regular;
    expect(final.balance).toBe(1200 - done * 100);
    expect(final.balance).toBeGreaterThanOrEqual(-final.limit);
    // Every answer reports a balance that really existed: the 17 distinct balances after each debit.
    const reported = answers.filter((a) => a.json.action.nextDialogstate === "successful transaction").map((a) => a.json.session.data.amount);
    expect(new Set(reported).size).toBe(17);
  });

  test("the namespace is mirrored into the session item of the call's conversation", async () => {
    const who = user();
    const sessionId = `mirror-${who}`;
    await callEngage(url("transfer"), { body: seedBody(who, { sessionId, amount: 250 }) });
    const session = await rt.sessions.load("engage", sessionId, Date.now());
    expect(session).toMatchObject({
      version: 1,
      userId: who,
      state: "successful transaction",
      namespaces: { account: { limit: 0, amount: 4750 } },
    });
    expect(session!.history[0]!.text).toBe("[event] action:transfer");
  });

  test("query and body are merged, the body wins, and query strings are coerced by the action's schema", async () => {
    const who = user();
    const res = await callEngage(url("transfer", `?amount=999&destination=Bob&accountType=regular&userId=${who}`), {
      body: { amount: 20, transactionSuccess: "ok", transactionNoMoney: "no" },
    });
    expect(res.json.session.data.amount).toBe(1180);
    const viaQuery = await callEngage(url("transfer", `?amount=30&destination=Bob&accountType=regular&userId=${who}&transactionSuccess=ok&transactionNoMoney=no`), { method: "PUT" });
    expect(viaQuery.json).toEqual({ session: { namespace: "account", data: { limit: 500, amount: 1150 } }, action: { nextDialogstate: "ok" } });
  });
});

describe("GET /engage/balance", () => {
  test("answers from query parameters alone", async () => {
    const who = user();
    const res = await callEngage(url("balance", `?userId=${who}&accountType=savings_account`), { method: "GET" });
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ session: { namespace: "account", data: { limit: 0, amount: 5000 } } });
  });
});

describe("errors", () => {
  test("a wrong or missing token gets 401 and moves no money", async () => {
    const who = user();
    for (const token of ["wrong", null, ""]) {
      const res = await callEngage(url("transfer"), { body: seedBody(who), token });
      expect(res.status).toBe(401);
      expect(res.json).toEqual({ error: "missing or invalid bearer token" });
    }
    expect((await accounts.accounts(who)).savings.balance).toBe(5000);
  });

  test("a deployed stage without ENGAGE_API_TOKEN refuses with 503, even with the local default token", async () => {
    useRuntime(h.store.runtime({ env: { BOT_STAGE: "prod", ENGAGE_API_TOKEN: "" } }));
    const who = user();
    const res = await callEngage(url("transfer"), { body: seedBody(who) });
    expect(res.status).toBe(503);
    expect(res.json).toEqual({ error: "Sinch Engage is not configured on this stage" });
    expect((await accounts.accounts(who)).savings.balance).toBe(5000);
  });

  test("an unknown action gets 404 with a JSON error", async () => {
    const res = await callEngage(url("launchRocket"), { body: {} });
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ error: 'unknown action "launchRocket"' });
    expect((await callEngage(url("toString"), { body: {} })).status).toBe(404);
  });

  test("missing or wrong inputs get 400 naming each field", async () => {
    const { amount: _a, ...noAmount } = seedBody(user());
    const res = await callEngage(url("transfer"), { body: { ...noAmount, accountType: "crypto" } });
    expect(res.status).toBe(400);
    expect(res.json.issues.map((i: any) => i.path).sort()).toEqual(["accountType", "amount"]);
    expect(res.json.issues.find((i: any) => i.path === "amount").message).toMatch(/required/);
    const negative = await callEngage(url("transfer"), { body: seedBody(user(), { amount: -5 }) });
    expect(negative.json.issues).toEqual([{ path: "amount", message: "must be at least 0.01" }]);
  });

  test("a body that is not a JSON object gets 400", async () => {
    expect((await callEngage(url("transfer"), { body: "[1,2]" })).json).toMatchObject({ error: "request body must be a JSON object of parameters" });
    expect((await callEngage(url("transfer"), { body: "{oops" })).status).toBe(400);
  });
});

test("an action's messages are rendered in Engage's format after the session is merged", async () => {
  const greet = defineAction({
    input: z.object({ name: z.string() }),
    run: (input) => ({
      session: { namespace: "profile", data: { name: input.name } },
      messages: [say("Hello {profile.name}!", [choice("Savings", "st_savings?card_type=savings_account")])],
      nextDialogstate: "st_menu",
    }),
  });
  useRuntime({ ...h.store.runtime(), actions: { greet } });
  const res = await callEngage(url("greet"), { body: { name: "Ana", sessionId: `greet-${user()}` } });
  expect(res.json).toEqual({
    session: { namespace: "profile", data: { name: "Ana" } },
    messages: [
      {
        type: "quickReplies",
        config: {
          textMessages: [{ text: "Hello Ana!" }],
          quickReplies: [{ type: "postback", title: "Savings", payload: { nextDialogstateId: "st_savings", params: [{ key: "card_type", value: "savings_account" }] } }],
        },
      },
    ],
    action: { nextDialogstate: "st_menu" },
  });
});
