import { handler as bmWebhook } from "../../functions/bm-webhook";
import { defineBot } from "../../lib/engine/bot";
import { carousel, say } from "../../lib/conversation";
import { useRuntime, type Runtime } from "../../lib/runtime";
import { smsLength } from "../../lib/platforms/business-messenger/sms-encoding";
import { AccountStore } from "../../bot/accounts";
import { bmRequest, bmTextRequest } from "../platforms/business-messenger/fixtures";
import { contents, postBm } from "../support/bm-client";
import { localSecrets } from "../support/local-secrets";
import { signBmBody } from "../../lib/platforms/business-messenger/verify";
import { useHarness } from "../support/harness";
import { bankBot } from "../../bot";

/** Whole conversations over signed HTTP: transfers, handover, channel limits. */
const h = useHarness({ "POST /bm/webhook": bmWebhook as never });
let rt: Runtime;
let now = Date.parse("2026-11-21T10:00:00Z");
let n = 0;
const dialog = () => `conv-${++n}-${Math.random().toString(36).slice(2, 8)}`;

beforeEach(() => {
  rt = h.store.runtime({ userBot: bankBot, clock: () => now });
  useRuntime(rt);
});

/** Sends texts in order in one conversation; returns each answer's text contents. */
async function chat(dialogUuid: string, texts: string[], channel = "Viber", from = "41790001111") {
  const answers: string[][] = [];
  for (const [i, text] of texts.entries()) {
    const res = await postBm(`${h.api.url}/bm/webhook`, bmTextRequest(text, { dialogUuid, channel, providerMsgID: `${dialogUuid}-${i}`, contact: { uuid: `user-${dialogUuid}`, first_name: "Ana" }, from }));
    expect(res.status).toBe(200);
    answers.push(contents(res.json));
  }
  return answers;
}

test("a transfer with confirmation debits the account in DynamoDB exactly once", async () => {
  const dialogUuid = dialog();
  const answers = await chat(dialogUuid, ["hi", "Transfer", "100", "Bob", "Yes"]);
  expect(answers[3]![0]).toBe("Send 100 EUR from your regular account to Bob?");
  expect(answers[4]![0]).toBe("Done! 100.00 EUR sent to Bob. New balance: 1100 EUR.");

  const accounts = new AccountStore(rt.botStore);
  expect((await accounts.accounts(`user-${dialogUuid}`)).regular.balance).toBe(1100);

  // BM redelivers the confirmation: same answer, no second debit.
  const again = await postBm(`${h.api.url}/bm/webhook`, bmTextRequest("Yes", { dialogUuid, providerMsgID: `${dialogUuid}-4`, contact: { uuid: `user-${dialogUuid}`, first_name: "Ana" } }));
  expect(contents(again.json)[0]).toBe("Done! 100.00 EUR sent to Bob. New balance: 1100 EUR.");
  expect((await accounts.accounts(`user-${dialogUuid}`)).regular.balance).toBe(1100);
  const session = await rt.sessions.load("bm", dialogUuid, now);
  expect(session!.namespaces.account).toEqual({ amount: 1100, limit: 500 });
});

test("a transfer beyond balance plus overdraft is refused and the balance is unchanged", async () => {
  const dialogUuid = dialog();
  const answers = await chat(dialogUuid, ["hi", "Transfer", "1700.01", "Bob", "Yes"]);
  expect(answers[4]![0]).toMatch(/^Sorry, that is more than your regular account allows/);
  const accounts = new AccountStore(rt.botStore);
  expect((await accounts.accounts(`user-${dialogUuid}`)).regular.balance).toBe(1200);
});

test("any finite positive amount is a valid answer: one beyond balance plus overdraft is refused at the transfer, not re-asked", async () => {
  const dialogUuid = dialog();
  const answers = await chat(dialogUuid, ["hi", "Transfer", "2000000", "Bob", "Yes"]);
  expect(answers[3]![0]).toBe("Send 2000000 EUR from your regular account to Bob?");
  expect(answers[4]![0]).toMatch(/^Sorry, that is more than your regular account allows/);
  const [, , zero, , , huge] = await chat(dialog(), ["hi", "Transfer", "0.004", "Infinity", "-3", "1e300"]);
  expect(zero![0]).toMatch(/^Please give an amount/);
  expect(huge![0]).toBe("To whom should I send 1e+300 EUR?");
  const accounts = new AccountStore(rt.botStore);
  expect((await accounts.accounts(`user-${dialogUuid}`)).regular.balance).toBe(1200);
});

describe("an answered money question can never be confirmed again (an attacker replays signed requests)", () => {
  // BM signatures carry no timestamp: a captured request stays valid forever, and only the dedupe window
  // (DEDUPE_TTL_HOURS, at most 100 ids) stops its replay. Past it, the transfer ledger must.
  type Captured = { raw: string; signature: string };
  const capture = (dialogUuid: string, customer: string, text: string, id: string): Captured => {
    const raw = JSON.stringify(bmTextRequest(text, { dialogUuid, providerMsgID: id, contact: { uuid: customer, first_name: "Ana" } }));
    return { raw, signature: signBmBody(raw, localSecrets.BM_SIGNATURE_KEY) };
  };
  const send = async ({ raw, signature }: Captured) => {
    const res = await postBm(`${h.api.url}/bm/webhook`, raw, { signature });
    expect(res.status).toBe(200);
    return contents(res.json);
  };

  test.each([
    ["the clock is past DEDUPE_TTL_HOURS", "clock"],
    ["110 newer messages came in between", "count"],
  ])("declined, confirmed and abandoned questions stay settled when replayed after %s", async (_what, push) => {
    const dialogUuid = dialog();
    const customer = `user-${dialogUuid}`;
    const m = (text: string, id: string) => capture(dialogUuid, customer, text, `${dialogUuid}-${id}`);
    const wire = {
      hi: m("hi", "hi"),
      // A: asked, then declined.
      transferA: m("Transfer", "a1"), amountA: m("100", "a2"), askA: m("Bob", "a3"), no: m("No", "a4"),
      // B: asked, then confirmed.
      transferB: m("Transfer", "b1"), amountB: m("50", "b2"), askB: m("Carol", "b3"), yes: m("Yes", "b4"),
      // C: asked, then left without an answer (the user typed "menu").
      transferC: m("Transfer", "c1"), amountC: m("30", "c2"), askC: m("Dave", "c3"), menu: m("menu", "c4"),
    };
    const balance = async () => (await new AccountStore(rt.botStore).accounts(customer)).regular.balance;
    const answered = new Map<Captured, string[]>();
    for (const request of Object.values(wire)) answered.set(request, await send(request));
    expect(await balance()).toBe(1150); // B only

    // Out of the dedupe window: the user writes again a day later (that write forgets the old ids), or a lot.
    let fillers = 0;
    const pushPastDedupe = async () => {
      if (push === "clock") now += rt.settings.DEDUPE_TTL_HOURS * 3_600_000 + 60_000;
      for (let i = 0; i < (push === "clock" ? 1 : 110); i++) await send(m("what?", `filler-${++fillers}`));
    };

    // Replays: each question asked again (the same signed request, so the same transfer id), then the captured "yes".
    for (const [transfer, amount, ask, settled] of [
      [wire.transferA, wire.amountA, wire.askA, "declined"],
      [wire.transferB, wire.amountB, wire.askB, "done"],
      [wire.transferC, wire.amountC, wire.askC, "declined"],
    ] as const) {
      await pushPastDedupe();
      await send(transfer);
      await send(amount);
      expect((await send(ask))[0]).toMatch(/^Send \d+ EUR from your regular account to/);
      const answer = await send(wire.yes);
      // B's own "yes" replayed: the answer it got then, and nothing moves again.
      if (settled === "done") expect(answer).toEqual(answered.get(wire.yes));
      else expect(answer[0]).toBe("That transfer was cancelled earlier, so no money was sent. Anything else?");
      expect(await balance()).toBe(1150);
    }
  });
});

test("'agent' hands over: the bot goes silent, then comes back after the quiet period", async () => {
  const dialogUuid = dialog();
  const [, handover, whileHuman] = await chat(dialogUuid, ["hi", "AGENT", "hello? anyone?"]);
  expect(handover![0]).toMatch(/human agent will answer/);
  expect(whileHuman).toEqual([]);
  const held = await rt.sessions.load("bm", dialogUuid, now);
  expect(held!.handover).toMatchObject({ status: "human", until: now + 30 * 60_000 });
  expect(held!.history.at(-1)).toMatchObject({ role: "user", text: "hello? anyone?" });
  const events = await rt.events.list(`conv#bm#${dialogUuid}`);
  expect(events.map((e) => e.type)).toContain("handover.started");

  now += 31 * 60_000;
  const back = await postBm(`${h.api.url}/bm/webhook`, bmTextRequest("Balance", { dialogUuid, providerMsgID: `${dialogUuid}-back`, contact: { uuid: `user-${dialogUuid}` } }));
  expect(contents(back.json)[0]).toMatch(/^Regular account/);
  expect((await rt.sessions.load("bm", dialogUuid, now))!.handover).toEqual({ status: "bot" });
  expect((await rt.events.list(`conv#bm#${dialogUuid}`)).map((e) => e.type)).toContain("handover.ended");
});

test("the example carousel sent to SMS arrives as text, with numbered options that map back", async () => {
  const dialogUuid = dialog();
  const [greeting, products] = await chat(dialogUuid, ["hi", "4"], "SMS");
  expect(greeting!.join("\n")).toMatch(/1\) Balance/);
  // The second message redelivered (same id): the recorded answer, to look at its raw bodies.
  const res = await postBm(`${h.api.url}/bm/webhook`, bmTextRequest("4", { dialogUuid, channel: "SMS", providerMsgID: `${dialogUuid}-1` }));
  for (const m of res.json.messages) expect(Object.keys(m.body)).toEqual(["content"]);
  expect(products!.join("\n")).toContain("Regular account");
  expect(products!.join("\n")).toContain("Savings account");
  // Numbering runs across the whole reply as the user saw it: the cards' options first, then the menu.
  expect(products!.join("\n")).toMatch(/1\) Balance[\s\S]*2\) Transfer[\s\S]*3\) Balance[\s\S]*6\) Products/);
  const picked = await postBm(`${h.api.url}/bm/webhook`, bmTextRequest("2", { dialogUuid, channel: "SMS", providerMsgID: `${dialogUuid}-2` }));
  expect(contents(picked.json)[0]).toBe("How much would you like to transfer from your regular account?");
});

test("replies to SMS never exceed the SMS limits (918 GSM-7 units, 402 UCS-2 characters)", async () => {
  const longGsm = Array.from({ length: 300 }, (_, i) => `word${i}`).join(" ");
  const longUcs2 = Array.from({ length: 200 }, (_, i) => `слово${i}`).join(" ");
  const bot = defineBot({
    initial: "long",
    defaultState: "long",
    states: {
      long: () => ({
        messages: [
          say(longGsm),
          say(longUcs2),
          carousel([
            { title: "A", description: "first", suggestions: [{ kind: "reply", text: "Pick A", postback: "A" }] },
            { title: "B", description: "second", media: { url: "https://example.com/b.png" } },
          ]),
        ],
      }),
    },
  });
  useRuntime(h.store.runtime({ bot, clock: () => now }));
  const res = await postBm(`${h.api.url}/bm/webhook`, bmRequest({ content: "go" }, { dialogUuid: dialog(), channel: "SMS" }));
  expect(res.status).toBe(200);
  const texts = contents(res.json);
  expect(res.json.messages).toHaveLength(texts.length);
  expect(texts.length).toBeGreaterThan(3);
  for (const text of texts) {
    const { encoding, units } = smsLength(text);
    expect(units).toBeLessThanOrEqual(encoding === "GSM-7" ? 918 : 402);
  }
  expect(texts.join(" ").replace(/\s+/g, " ")).toContain(longGsm.slice(-40));
  expect(texts.some((t) => t.includes("A") && t.includes("Pick A"))).toBe(true);
});
