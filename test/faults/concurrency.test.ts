import { handler as bmWebhook } from "../../functions/bm-webhook";
import { handler as engageApi } from "../../functions/engage-api";
import { handler as kommunicateWebhook } from "../../functions/kommunicate-webhook";
import { localSecrets } from "../support/local-secrets";
import type { Bot } from "../../lib/engine/bot";
import { useRuntime, type Runtime } from "../../lib/runtime";
import { bmRequest, bmTextRequest } from "../platforms/business-messenger/fixtures";
import { kmTextRequest } from "../platforms/kommunicate/fixtures";
import { postBm } from "../support/bm-client";
import { useHarness } from "../support/harness";
import { burst, countingBot, readAccount, turnNumber, type Answered } from "./support";
import { bankBot } from "../../bot";

/**
 * Many deliveries racing on one conversation, through real signed HTTP and the real embedded store.
 * test/integration/robustness.test.ts has 30 distinct BM turns with no redelivery and no 503; here 50
 * messages are each delivered twice at the same moment (100 requests in flight), MAX_TURN_ATTEMPTS is
 * lowered (2, or 1 = no rerun) so that the engine really runs out of reruns and answers 503, and the
 * "platform" redelivers those until it has an answer (support.ts, `burst`). The bank bot's transfers are
 * checked the same way, on the account item that every conversation of one customer shares.
 */
const h = useHarness({
  "POST /bm/webhook": bmWebhook as never,
  "POST /kommunicate/webhook": kommunicateWebhook as never,
  "POST /engage/{action}": engageApi as never,
});
const MESSAGES = 50;
let n = 0;
const unique = (prefix: string) => `${prefix}-${++n}-${Math.random().toString(36).slice(2, 7)}`;

/** A runtime with the counting bot, or the example bank bot when `bot` is undefined. */
function install(env: Record<string, string>, bot?: Bot): Runtime {
  const rt = h.store.runtime({ ...(bot ? { bot } : { userBot: bankBot }), env });
  useRuntime(rt);
  return rt;
}

interface Res {
  status: number;
  json: any;
  headers: Headers;
}

async function postJson(path: string, body: unknown, headers: Record<string, string>): Promise<Res> {
  const res = await fetch(`${h.api.url}${path}`, { method: "POST", headers: { "content-type": "application/json", ...headers }, body: JSON.stringify(body) });
  const text = await res.text();
  return { status: res.status, json: text ? JSON.parse(text) : undefined, headers: res.headers };
}
const postKommunicate = (body: unknown) => postJson("/kommunicate/webhook", body, { "x-webhook-secret": localSecrets.KOMMUNICATE_WEBHOOK_SECRET });
const content = (res: { json: any }) => res.json.messages[0].body.content as string;
const postEngage = (action: string, body: unknown) => postJson(`/engage/${action}`, body, { authorization: `Bearer ${localSecrets.ENGAGE_API_TOKEN}` });

/** The 200 answers of each message id. */
function answersById(all: Array<Answered<Res>>): Map<string, Res[]> {
  const byId = new Map<string, Res[]>();
  for (const { id, res } of all) if (res.status === 200) byId.set(id, [...(byId.get(id) ?? []), res]);
  return byId;
}

/** A 503 is the README's "too busy after every retry": JSON error naming the conversation, Retry-After: 1. */
function expectBusyAnswers(all: Array<Answered<Res>>, key: string, attempts: number) {
  const busy = all.filter((a) => a.res.status === 503);
  // A low MAX_TURN_ATTEMPTS against many simultaneous deliveries: the bounded reruns really run out.
  expect(busy.length).toBeGreaterThan(0);
  for (const { res } of busy) {
    expect(res.json).toEqual({ error: `conversation ${key} is busy: ${attempts} concurrent-update retries exhausted` });
    expect(res.headers.get("retry-after")).toBe("1");
  }
  expect(all.every((a) => a.res.status === 200 || a.res.status === 503)).toBe(true);
}

/** Exactly once per message id, no lost update, every copy that got an answer got the original's. */
async function expectEachAppliedOnce(rt: Runtime, platform: string, conversationId: string, ids: string[], textOf: (json: any) => string, all: Array<Answered<Res>>) {
  const byId = answersById(all);
  const session = (await rt.sessions.load(platform, conversationId, Date.now()))!;
  expect(session.namespaces.counter).toEqual({ n: ids.length });
  expect(session.version).toBe(ids.length);
  const numbers: number[] = [];
  for (const id of ids) {
    const answers = byId.get(id) ?? [];
    expect(answers.length).toBeGreaterThanOrEqual(1);
    // Whichever copy ran the turn, the other copy (if it got a 200) was answered from the recorded answer.
    for (const other of answers.slice(1)) expect(other.json).toEqual(answers[0]!.json);
    const text = textOf(answers[0]!.json);
    expect(text).toMatch(new RegExp(`^${id} is turn \\d+$`));
    numbers.push(turnNumber(text));
  }
  // Each message saw its own turn: the numbers are exactly 1..50, so no turn was lost or applied twice.
  expect([...numbers].sort((a, b) => a - b)).toEqual(ids.map((_, i) => i + 1));
  const processed = session.processed.map((p) => p.id);
  expect(new Set(processed).size).toBe(processed.length);
}

describe("50 messages on one conversation, each delivered twice at once, 503s redelivered", () => {
  test("Business Messenger (signed): each message applied once, both copies get the same answer", async () => {
    const rt = install({ MAX_TURN_ATTEMPTS: "2" }, countingBot);
    const dialogUuid = unique("bm-burst");
    const ids = Array.from({ length: MESSAGES }, (_, i) => `${dialogUuid}-m${i}`);
    const all = await burst(ids, (id) => postBm(`${h.api.url}/bm/webhook`, bmTextRequest(id, { dialogUuid, providerMsgID: id })));
    expectBusyAnswers(all, `bm#${dialogUuid}`, 2);
    await expectEachAppliedOnce(rt, "bm", dialogUuid, ids, (json) => json.messages[0].body.content, all);
  }, 40_000);

  // Kommunicate with MAX_TURN_ATTEMPTS=1: no engine rerun at all, every lost race is a 503, so exactly-once
  // rests on the platform's redelivery alone. And each copy is redelivered on its own until it gets a 200,
  // even after the other copy was answered, so a late copy comes behind many newer messages: still applied
  // once; its answer is the original's, or none once the original's is no longer among the 5 answers
  // kept (README, DEDUPE_TTL_HOURS).
  test("Kommunicate, no engine rerun, every 503'd copy redelivered on its own: each message applied once", async () => {
    const rt = install({ MAX_TURN_ATTEMPTS: "1" }, countingBot);
    const groupId = unique("km-burst");
    const ids = Array.from({ length: MESSAGES }, (_, i) => `${groupId}-m${i}`);
    const all = await burst(ids, (id) => postKommunicate(kmTextRequest(id, { groupId, key: id })), { perCopy: true });
    expectBusyAnswers(all, `kommunicate#${groupId}`, 1);
    const session = (await rt.sessions.load("kommunicate", groupId, Date.now()))!;
    expect(session).toMatchObject({ version: MESSAGES, namespaces: { counter: { n: MESSAGES } } });
    const byId = answersById(all);
    const numbers: number[] = [];
    for (const id of ids) {
      const answers = byId.get(id)!.map((a) => a.json as Array<{ message: string }>);
      expect(answers).toHaveLength(2); // both copies answered in the end
      const original = answers.find((a) => a.length > 0)!;
      expect(original).toEqual([{ message: expect.stringMatching(new RegExp(`^${id} is turn \\d+$`)) }]);
      for (const answer of answers) expect([original, []]).toContainEqual(answer);
      numbers.push(turnNumber(original[0]!.message));
    }
    expect([...numbers].sort((a, b) => a - b)).toEqual(ids.map((_, i) => i + 1));
  }, 40_000);

  // Regression: until 082fa25 lib/session/bounds.ts kept only the last 30 processed ids per conversation,
  // so a redelivery behind 30 newer messages ran again as a new turn (bursts like the ones above, with
  // each 503'd copy redelivered on its own, ended at n = 55, 57 and 60 instead of 50). It now keeps more
  // ids (100 at bcdb330), the newest 5 with their answers (README, DEDUPE_TTL_HOURS).
  test("a redelivery that arrives after 30 newer messages of the conversation is still applied only once", async () => {
    const rt = install({}, countingBot);
    const dialogUuid = unique("bm-window");
    const send = (i: number) => postBm(`${h.api.url}/bm/webhook`, bmTextRequest(`m${i}`, { dialogUuid, providerMsgID: `${dialogUuid}-m${i}` }));
    expect(content(await send(0))).toBe("m0 is turn 1");
    for (let i = 1; i <= 30; i++) expect((await send(i)).status).toBe(200);
    const redelivery = await send(0);
    expect(redelivery.status).toBe(200);
    // Exactly once, and within 10 s the same answer: answers are kept by age as well as the newest 5 (lib/session/bounds.ts).
    expect(redelivery.json).toEqual({ messages: [{ body: { content: "m0 is turn 1" } }] });
    expect((await rt.sessions.load("bm", dialogUuid, Date.now()))!).toMatchObject({ version: 31, namespaces: { counter: { n: 31 } } });
  });
});

describe("the bank bot: concurrent transfers from one account", () => {
  const AMOUNT = 150; // 1200 + 500 overdraft = 1700: eleven transfers fit, the twelfth is refused

  test("BM chat: twelve conversations of one customer confirm at once, each confirmation delivered twice", async () => {
    const rt = install({ MAX_TURN_ATTEMPTS: "2" });
    const customer = unique("customer");
    const contact = { uuid: customer, first_name: "Ana" };
    const dialogs = Array.from({ length: 12 }, () => unique("bank"));
    const say = (dialogUuid: string, text: string, id = `${dialogUuid}-${text}`) =>
      postBm(`${h.api.url}/bm/webhook`, bmRequest({ content: text }, { dialogUuid, providerMsgID: id, contact }));
    // Each conversation walks to the confirmation step (conversations in parallel, each in order).
    await Promise.all(
      dialogs.map(async (d) => {
        for (const text of ["hi", "TRANSFER", String(AMOUNT), "Bob"]) expect((await say(d, text)).status).toBe(200);
      }),
    );
    const all = await burst(dialogs, (d) => say(d, "CONFIRM"));
    const byId = answersById(all);

    const account = (await readAccount(rt, customer))!;
    const done = account.applied.filter((a) => a.outcome.status === "done");
    expect(done).toHaveLength(11);
    expect(account.accounts.regular.balance).toBe(1200 - 11 * AMOUNT);
    expect(account.accounts.regular.balance).toBeGreaterThanOrEqual(-account.accounts.regular.limit);
    expect(account.accounts.savings.balance).toBe(5000);
    // One transfer per confirmation message, however many copies and reruns ran it.
    // A transfer's id is the key of the message that named the recipient (bot/bank-bot.ts fixes it with the question).
    expect(account.applied.map((a) => a.id).sort()).toEqual(dialogs.map((d) => `conv#bm#${d}#${d}-Bob`).sort());
    // The balances the "done" answers report are the eleven successive balances, each once.
    expect(done.map((a) => a.outcome.balance).sort((a, b) => a - b)).toEqual(Array.from({ length: 11 }, (_, i) => 1200 - (i + 1) * AMOUNT).sort((a, b) => a - b));
    for (const d of dialogs) {
      const answers = byId.get(d)!;
      for (const other of answers.slice(1)) expect(other.json).toEqual(answers[0]!.json);
      const outcome = account.applied.find((a) => a.id === `conv#bm#${d}#${d}-Bob`)!.outcome;
      const text = answers[0]!.json.messages[0].body.content as string;
      expect(text).toMatch(outcome.status === "done" ? `New balance: ${outcome.balance} EUR` : /more than your regular account allows/);
      const session = (await rt.sessions.load("bm", d, Date.now()))!;
      expect(session.state).toBe("menu");
      if (outcome.status === "done") expect(session.namespaces.account).toEqual({ amount: outcome.balance, limit: 500 });
    }
  }, 30_000);

  test("Engage: twelve transfers with request ids on one session, each call sent twice at once", async () => {
    // One attempt: the calmer rerun backoff lets 24 calls through in two, and this test is about the 503s' redeliveries.
    const rt = install({ MAX_TURN_ATTEMPTS: "1" });
    const userId = unique("engage-user");
    const sessionId = unique("engage-session");
    const ids = Array.from({ length: 12 }, (_, i) => `${sessionId}-r${i}`);
    const body = (requestId: string) => ({ amount: AMOUNT, destination: "Bob", accountType: "regular", transactionSuccess: "ok", transactionNoMoney: "no", userId, sessionId, requestId });
    const all = await burst(ids, (id) => postEngage("transfer", body(id)));
    expectBusyAnswers(all, `engage#${sessionId}`, 1);
    const byId = answersById(all);

    const account = (await readAccount(rt, userId))!;
    expect(account.accounts.regular.balance).toBe(1200 - 11 * AMOUNT); // never past balance + overdraft
    expect(account.applied.map((a) => a.id).sort()).toEqual(ids.map((id) => `conv#engage#${sessionId}#request:${id}`).sort());
    expect(account.applied.filter((a) => a.outcome.status === "done")).toHaveLength(11);
    const reported: number[] = [];
    for (const id of ids) {
      const answers = byId.get(id)!;
      for (const other of answers.slice(1)) expect(other.json).toEqual(answers[0]!.json);
      const { json } = answers[0]!;
      if (json.action.nextDialogstate === "ok") reported.push(json.session.data.amount);
      else expect(json).toEqual({ session: { namespace: "account", data: { limit: 500, amount: 1200 - 11 * AMOUNT } }, action: { nextDialogstate: "no" } });
    }
    // The eleven successive balances, each reported once: no transfer saw a stale balance.
    expect(reported.sort((a, b) => a - b)).toEqual(Array.from({ length: 11 }, (_, i) => 1200 - (i + 1) * AMOUNT).sort((a, b) => a - b));
    const session = (await rt.sessions.load("engage", sessionId, Date.now()))!;
    expect(session.version).toBe(12);
  }, 30_000);
});
