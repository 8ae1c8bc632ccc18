import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { handler as engageApi } from "../../functions/engage-api";
import { AccountStore, accountKey } from "../../bot/accounts";
import { useRuntime, type Runtime } from "../../lib/runtime";
import { callEngage } from "../support/engage-client";
import { useHarness } from "../support/harness";
import { bankBot } from "../../bot";

/**
 * Exactly once by time, not by count: a side effect keyed on an idempotency key runs once for the session TTL,
 * however many newer ones come in between.
 */
const h = useHarness({ "POST /engage/{action}": engageApi as never });
let rt: Runtime;
let n = 0;
const unique = (prefix: string) => `${prefix}-${++n}-${Math.random().toString(36).slice(2, 7)}`;

beforeEach(() => {
  rt = h.store.runtime({ userBot: bankBot });
  useRuntime(rt);
});

const transferBody = (userId: string, extra: Record<string, unknown> = {}) => ({
  amount: 10,
  destination: "Bob",
  accountType: "savings_account",
  transactionSuccess: "st_ok",
  transactionNoMoney: "st_no",
  userId,
  ...extra,
});

describe("the bank's transfer ledger", () => {
  test("a transfer id retried after 60 newer transfers is recognised, not applied again", async () => {
    const accounts = new AccountStore(rt.botStore);
    const who = unique("ledger");
    const first = await accounts.transfer(who, { id: "t-first", account: "savings", amount: 10, destination: "Bob" });
    for (let i = 0; i < 60; i++) await accounts.transfer(who, { id: `t-${i}`, account: "savings", amount: 1, destination: "Bob" });
    expect((await accounts.accounts(who)).savings.balance).toBe(5000 - 10 - 60);

    const retried = await accounts.transfer(who, { id: "t-first", account: "savings", amount: 10, destination: "Bob" });
    expect(retried).toEqual(first);
    expect((await accounts.accounts(who)).savings.balance).toBe(5000 - 10 - 60);
    // Every one of the 61 is still known, whichever is retried.
    await accounts.transfer(who, { id: "t-5", account: "savings", amount: 1, destination: "Bob" });
    expect((await accounts.accounts(who)).savings.balance).toBe(5000 - 10 - 60);
  });

  test("a transfer that left the account item's recent list is its own item, with the session TTL", async () => {
    const accounts = new AccountStore(rt.botStore);
    const who = unique("record");
    const before = Math.floor(Date.now() / 1000);
    for (let i = 0; i < 21; i++) await accounts.transfer(who, { id: `r-${i}`, account: "regular", amount: 1, destination: "Bob" });
    const { Item } = await rt.doc.send(new GetCommand({ TableName: rt.settings.SESSIONS_TABLE, Key: { pk: `${accountKey(who)}#transfer#r-0` }, ConsistentRead: true }));
    expect(Item).toMatchObject({ id: "r-0", outcome: { status: "done", amount: 1 } });
    const ttl = rt.settings.SESSION_TTL_DAYS * 86_400;
    expect(Item!.expiresAt).toBeGreaterThanOrEqual(before + ttl);
    expect(Item!.expiresAt).toBeLessThanOrEqual(Math.ceil(Date.now() / 1000) + ttl);
  });

  test("an Engage retry with the same requestId after 60 newer calls moves no money again", async () => {
    const who = unique("engage-ledger");
    const url = `${h.api.url}/engage/transfer`;
    const first = await callEngage(url, { body: transferBody(who, { requestId: "req-first", amount: 100 }) });
    expect(first.json.session.data.amount).toBe(4900);
    for (let i = 0; i < 60; i++) expect((await callEngage(url, { body: transferBody(who, { requestId: `req-${i}`, amount: 1 }) })).status).toBe(200);
    const retry = await callEngage(url, { body: transferBody(who, { requestId: "req-first", amount: 100 }) });
    expect(retry.status).toBe(200);
    expect((await new AccountStore(rt.botStore).accounts(who)).savings.balance).toBe(4900 - 60);
  });
});

describe("recorded answers of Engage calls with a requestId", () => {
  const url = () => `${h.api.url}/engage/transfer`;

  test("a retry after 10 newer calls of its conversation gets its recorded answer, and moves no money", async () => {
    const who = unique("answers");
    const body = transferBody(who, { sessionId: `s-${who}`, requestId: "req-first", amount: 100 });
    const first = await callEngage(url(), { body });
    expect(first.json).toEqual({ session: { namespace: "account", data: { limit: 0, amount: 4900 } }, action: { nextDialogstate: "st_ok" } });
    for (let i = 0; i < 10; i++) await callEngage(url(), { body: transferBody(who, { sessionId: `s-${who}`, requestId: `req-${i}`, amount: 1 }) });
    const retry = await callEngage(url(), { body });
    expect(retry.json).toEqual(first.json);
    expect((await new AccountStore(rt.botStore).accounts(who)).savings.balance).toBe(4900 - 10);
  });

  test("a retry after the dedupe window (DEDUPE_TTL_HOURS) gets its recorded answer", async () => {
    let now = Date.now();
    rt = h.store.runtime({ userBot: bankBot, clock: () => now });
    useRuntime(rt);
    const who = unique("aged");
    const body = transferBody(who, { sessionId: `s-${who}`, requestId: "req-aged", amount: 100 });
    const first = await callEngage(url(), { body });
    now += rt.settings.DEDUPE_TTL_HOURS * 3_600_000 + 60_000;
    await callEngage(url(), { body: transferBody(who, { sessionId: `s-${who}`, requestId: "req-later", amount: 1 }) });
    const before = (await rt.sessions.load("engage", `s-${who}`, now))!;
    expect(before.processed.map((p) => p.id)).toEqual(["request:req-later"]);
    const retry = await callEngage(url(), { body });
    expect(retry.json).toEqual(first.json);
    // Answered from the record, not run again: the session (its account namespace: 4899) is untouched.
    expect(await rt.sessions.load("engage", `s-${who}`, now)).toMatchObject({ version: before.version, namespaces: { account: { amount: 4899 } } });
    expect((await new AccountStore(rt.botStore).accounts(who)).savings.balance).toBe(4900 - 1);
  });
});
