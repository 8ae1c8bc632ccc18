import { bankBot } from "../../bot";
import { handler as bmWebhook } from "../../functions/bm-webhook";
import type { Bot } from "../../lib/engine/bot";
import { useRuntime, type BotFactory, type Runtime } from "../../lib/runtime";
import { bmRequest } from "../platforms/business-messenger/fixtures";
import { postBm } from "../support/bm-client";
import { useHarness } from "../support/harness";
import {
  connectionReset,
  countingBot,
  deliverUntilAccepted,
  injectFaults,
  provisionedThroughputExceeded,
  readAccount,
  throttled,
  type FaultInjector,
} from "./support";
import { processedIds } from "../support/processed-ids";

/**
 * The store failing or throttling in the middle of a turn, injected at the real DynamoDB client of the
 * runtime under test (see support.ts for the two layers: "call" = outside the SDK's retries, "attempt" =
 * inside them). Every request that is not failed reaches the embedded DynamoDB; the state is read back
 * through a second, fault-free client.
 */
const h = useHarness({ "POST /bm/webhook": bmWebhook as never });
let rt: Runtime;
let clean: Runtime;
let faults: FaultInjector;
let n = 0;
const unique = (prefix: string) => `${prefix}-${++n}-${Math.random().toString(36).slice(2, 7)}`;

/** A runtime with `bot` (the tests' own bot by default; the example bank for the bank's tests) and faults to inject. */
function install(bot?: Bot, userBot?: BotFactory) {
  rt = h.store.runtime({ ...(bot ? { bot } : {}), ...(userBot ? { userBot } : {}) });
  faults = injectFaults(rt);
  useRuntime(rt);
  clean = h.store.runtime();
}

/** One BM message as the platform sends it; `id` is its providerMsgID (the dedupe key). */
const send = (dialogUuid: string, text: string, id: string, contact?: { uuid: string; first_name: string }) =>
  postBm(`${h.api.url}/bm/webhook`, bmRequest({ content: text }, { dialogUuid, providerMsgID: id, ...(contact ? { contact } : {}) }));

const sessionOf = (dialogUuid: string) => clean.sessions.load("bm", dialogUuid, Date.now());
const content = (res: { json: any }) => res.json.messages[0].body.content as string;

/** The README's answer to a store outage: 503, a JSON error body, Retry-After: 1. */
function expectUnavailable(res: Awaited<ReturnType<typeof postBm>>, operation: string) {
  expect(res.status).toBe(503);
  expect(res.headers.get("content-type")).toMatch(/^application\/json/);
  expect(res.json).toEqual({ error: `session store unavailable (${operation})` });
  expect(res.headers.get("retry-after")).toBe("1");
}

describe("the session item, counting bot", () => {
  beforeEach(() => install(countingBot));

  // Persistent faults on the "call" layer: the SDK's own retries are bypassed (they are covered below),
  // so each case is immediate. Store errors are not rerun by the engine (only version conflicts are).
  test.each([
    ["GetItem", "ProvisionedThroughputExceededException", provisionedThroughputExceeded, "read session"],
    ["GetItem", "a connection reset", connectionReset, "read session"],
    ["PutItem", "ThrottlingException", throttled, "write session"],
    ["PutItem", "a connection reset", connectionReset, "write session"],
  ] as const)("%s failing with %s: 503, nothing written, the redelivery is applied once", async (command, _what, error, operation) => {
    const dialogUuid = unique("store-call");
    await send(dialogUuid, "first", `${dialogUuid}-1`);
    const fault = faults.add({ layer: "call", command: `${command}Command`, table: rt.settings.SESSIONS_TABLE, pk: /^conv#bm#/, times: Infinity, error });

    expectUnavailable(await send(dialogUuid, "second", `${dialogUuid}-2`), operation);
    expect(faults.count("call", `${command}Command`)).toBeGreaterThanOrEqual(1);
    const untouched = (await sessionOf(dialogUuid))!;
    expect(untouched.version).toBe(1);
    expect(untouched.namespaces.counter).toEqual({ n: 1 });
    expect(processedIds(untouched.processed, [`${dialogUuid}-1`])).toEqual([`${dialogUuid}-1`]);

    fault.times = 0; // the store is back
    const retried = await send(dialogUuid, "second", `${dialogUuid}-2`);
    expect(retried.status).toBe(200);
    expect(content(retried)).toBe("second is turn 2");
    const again = await send(dialogUuid, "second", `${dialogUuid}-2`);
    expect(again.json).toEqual(retried.json);
    expect((await sessionOf(dialogUuid))!).toMatchObject({ version: 2, namespaces: { counter: { n: 2 } } });
  });

  test("a fault that clears before the platform's next delivery: 503 once, then 200, applied once", async () => {
    const dialogUuid = unique("store-once");
    faults.add({ layer: "call", command: "PutItemCommand", table: rt.settings.SESSIONS_TABLE, pk: /^conv#bm#/, times: 1, error: provisionedThroughputExceeded });
    const deliveries = await deliverUntilAccepted(() => send(dialogUuid, "hello", `${dialogUuid}-1`));
    expect(deliveries.map((d) => d.status)).toEqual([503, 200]);
    expectUnavailable(deliveries[0]!, "write session");
    expect(content(deliveries[1]!)).toBe("hello is turn 1");
    expect((await sessionOf(dialogUuid))!).toMatchObject({ version: 1, namespaces: { counter: { n: 1 } } });
  });

  // The "attempt" layer: the SDK sees each failure and retries it itself (maxAttempts 3, lib/session/dynamo.ts).
  test("a throttled session write that succeeds on the SDK's own retry: 200 at once, applied once", async () => {
    const dialogUuid = unique("store-sdk-retry");
    faults.add({ layer: "attempt", command: "PutItemCommand", table: rt.settings.SESSIONS_TABLE, pk: /^conv#bm#/, times: 1, error: throttled });
    const res = await send(dialogUuid, "hello", `${dialogUuid}-1`);
    expect(res.status).toBe(200);
    expect(content(res)).toBe("hello is turn 1");
    expect(faults.count("call", "PutItemCommand")).toBe(1); // one write by the engine ...
    expect(faults.count("attempt", "PutItemCommand")).toBe(2); // ... sent twice by the SDK
    expect((await sessionOf(dialogUuid))!).toMatchObject({ version: 1, namespaces: { counter: { n: 1 } } });
  });

  test.each([
    ["PutItem", "ProvisionedThroughputExceededException", provisionedThroughputExceeded, "write session"],
    ["GetItem", "a connection reset", connectionReset, "read session"],
  ] as const)("%s failing with %s on every SDK attempt: three attempts, then 503, nothing written", async (command, _what, error, operation) => {
    const dialogUuid = unique("store-sdk-exhausted");
    await send(dialogUuid, "first", `${dialogUuid}-1`);
    const before = faults.count("attempt", `${command}Command`);
    const fault = faults.add({ layer: "attempt", command: `${command}Command`, table: rt.settings.SESSIONS_TABLE, pk: /^conv#bm#/, times: Infinity, error });
    expectUnavailable(await send(dialogUuid, "second", `${dialogUuid}-2`), operation);
    expect(faults.count("attempt", `${command}Command`) - before).toBe(3);
    expect((await sessionOf(dialogUuid))!).toMatchObject({ version: 1, namespaces: { counter: { n: 1 } } });
    fault.times = 0;
    expect(content(await send(dialogUuid, "second", `${dialogUuid}-2`))).toBe("second is turn 2");
  });

  test("the session write reached the store but its answer was lost: the SDK's retry meets the new version, the engine recognises its own turn", async () => {
    const dialogUuid = unique("store-lost-answer");
    await send(dialogUuid, "first", `${dialogUuid}-1`);
    faults.add({ layer: "attempt", command: "PutItemCommand", table: rt.settings.SESSIONS_TABLE, pk: /^conv#bm#/, times: 1, error: connectionReset, when: "after" });
    const res = await send(dialogUuid, "second", `${dialogUuid}-2`);
    expect(res.status).toBe(200);
    expect(content(res)).toBe("second is turn 2");
    const session = (await sessionOf(dialogUuid))!;
    expect(session).toMatchObject({ version: 2, namespaces: { counter: { n: 2 } } });
    expect(processedIds(session.processed, [`${dialogUuid}-1`, `${dialogUuid}-2`])).toEqual([`${dialogUuid}-1`, `${dialogUuid}-2`]);
    // The retried conditional put failed (version already 2): a conflict, a re-read, and the turn found recorded.
    expect(faults.seen.filter((s) => s.layer === "call").map((s) => s.command).slice(-3)).toEqual(["GetItemCommand", "PutItemCommand", "GetItemCommand"]);
    expect((await send(dialogUuid, "second", `${dialogUuid}-2`)).json).toEqual(res.json);
  });
});

describe("the bank bot: the account write and the session write", () => {
  const AMOUNT = 150;
  let dialogUuid: string;
  let customer: string;
  let contact: { uuid: string; first_name: string };
  const confirmId = () => `${dialogUuid}-confirm`;
  // The transfer's id is the key of the message that named the recipient ("Bob", the 4th below): fixed with the question.
  const transferKey = () => `conv#bm#${dialogUuid}#${dialogUuid}-3`;

  beforeEach(async () => {
    install(undefined, bankBot);
    dialogUuid = unique("bank");
    customer = unique("customer");
    contact = { uuid: customer, first_name: "Ana" };
    for (const [i, text] of ["hi", "TRANSFER", String(AMOUNT), "Bob"].entries()) expect((await send(dialogUuid, text, `${dialogUuid}-${i}`, contact)).status).toBe(200);
    expect((await sessionOf(dialogUuid))!.state).toBe("transferConfirm");
  });

  test("the session write fails after the transfer was written: 503; the redelivery confirms that same transfer, money moved once", async () => {
    const sessionPk = new RegExp(`^conv#bm#${dialogUuid}$`);
    const fault = faults.add({ layer: "call", command: "PutItemCommand", table: rt.settings.SESSIONS_TABLE, pk: sessionPk, times: Infinity, error: provisionedThroughputExceeded });
    expectUnavailable(await send(dialogUuid, "CONFIRM", confirmId(), contact), "write session");

    // Consistent with exactly-once: the transfer is written once, under the message's idempotency key ...
    let account = (await readAccount(clean, customer))!;
    expect(account.accounts.regular.balance).toBe(1200 - AMOUNT);
    expect(account.applied.map((a) => a.id)).toEqual([transferKey()]);
    // ... and the conversation is still waiting for the confirmation it never recorded.
    const waiting = (await sessionOf(dialogUuid))!;
    expect(waiting.state).toBe("transferConfirm");
    expect(processedIds(waiting.processed, [confirmId()])).not.toContain(confirmId());

    fault.times = 0;
    const retried = await send(dialogUuid, "CONFIRM", confirmId(), contact);
    expect(retried.status).toBe(200);
    expect(content(retried)).toBe(`Done! ${AMOUNT}.00 EUR sent to Bob. New balance: ${1200 - AMOUNT} EUR.`);
    expect((await send(dialogUuid, "CONFIRM", confirmId(), contact)).json).toEqual(retried.json);
    account = (await readAccount(clean, customer))!;
    expect(account.accounts.regular.balance).toBe(1200 - AMOUNT);
    expect(account.applied).toHaveLength(1);
    expect(faults.count("call", "PutItemCommand", /^account#/)).toBe(1);
    expect((await sessionOf(dialogUuid))!).toMatchObject({ state: "menu", namespaces: { account: { amount: 1200 - AMOUNT, limit: 500 } } });
  });

  test("the account write fails: 503, no money moved, nothing recorded; the redelivery transfers once", async () => {
    const fault = faults.add({ layer: "call", command: "PutItemCommand", pk: /^account#/, times: Infinity, error: throttled });
    const failed = await send(dialogUuid, "CONFIRM", confirmId(), contact);
    expectUnavailable(failed, "write account");
    expect(await readAccount(clean, customer)).toBeUndefined(); // never written: still the opening balances
    expect((await sessionOf(dialogUuid))!).toMatchObject({ version: 4, state: "transferConfirm" });

    fault.times = 0;
    expect(content(await send(dialogUuid, "CONFIRM", confirmId(), contact))).toMatch(/^Done!/);
    const account = (await readAccount(clean, customer))!;
    expect(account.accounts.regular.balance).toBe(1200 - AMOUNT);
    expect(account.applied.map((a) => a.id)).toEqual([transferKey()]);
  });

  test("the account write reached the store but its answer was lost: the transfer is recognised, not repeated", async () => {
    faults.add({ layer: "attempt", command: "PutItemCommand", pk: /^account#/, times: 1, error: connectionReset, when: "after" });
    const res = await send(dialogUuid, "CONFIRM", confirmId(), contact);
    expect(res.status).toBe(200);
    expect(content(res)).toBe(`Done! ${AMOUNT}.00 EUR sent to Bob. New balance: ${1200 - AMOUNT} EUR.`);
    const account = (await readAccount(clean, customer))!;
    expect(account.accounts.regular.balance).toBe(1200 - AMOUNT);
    expect(account.applied).toHaveLength(1);
  });

  // bot/accounts.ts commits the transfer in its own conditional write, apart from the session write. When the
  // session write then fails (503), the conversation is still at "transferConfirm"; a second "yes" the user
  // types (a new message id) must confirm the same transfer: its id is fixed when the question is asked.
  test("after a 503 between the two writes, the user's second 'yes' does not transfer the money again", async () => {
    const fault = faults.add({ layer: "call", command: "PutItemCommand", table: rt.settings.SESSIONS_TABLE, pk: new RegExp(`^conv#bm#${dialogUuid}$`), times: 1, error: provisionedThroughputExceeded });
    expectUnavailable(await send(dialogUuid, "CONFIRM", confirmId(), contact), "write session");
    expect(fault.times).toBe(0);
    const second = await send(dialogUuid, "yes", `${dialogUuid}-yes-again`, contact);
    expect(second.status).toBe(200);
    const account = (await readAccount(clean, customer))!;
    expect(account.accounts.regular.balance).toBe(1200 - AMOUNT); // 900 would be two transfers
  });
});
