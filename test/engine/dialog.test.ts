import { defineBot, type DialogContext } from "../../lib/engine/bot";
import { currentHandover, startHandover } from "../../lib/engine/handover";
import { fillPlaceholders } from "../../lib/engine/placeholders";
import { offeredSuggestions, resolveSuggestionReply } from "../../lib/engine/suggestion-replies";
import { choice, say } from "../../lib/conversation";

const base = (over: Partial<DialogContext> = {}) => ({
  turn: { platform: "t", conversationId: "c", userId: "u", messageId: "m", message: { type: "text" as const, text: "x" }, receivedAt: 0 },
  firstContact: false,
  namespaces: {},
  aiAvailable: false,
  idempotencyKey: "k",
  ...over,
});

describe("defineBot", () => {
  const bot = defineBot({
    initial: "hello",
    defaultState: "menu",
    route: (ctx) => (ctx.text === "agent" ? "agent" : undefined),
    states: {
      hello: () => ({ messages: [say("hello")], nextDialogstate: "menu" }),
      menu: (ctx) => (ctx.text === "go" ? ctx.goto("target") : { messages: [say("menu")] }),
      target: () => ({ messages: [say("target")] }),
      agent: () => ({ handover: {} }),
      loop: (ctx) => ctx.goto("loop"),
    },
  });
  const first = async (over: Partial<DialogContext>) => (await bot.reply(base(over))).messages?.[0];

  test("first contact runs the initial state, a waiting state gets the next message", async () => {
    expect(await first({ firstContact: true })).toEqual(say("hello"));
    expect(await first({ state: "target" })).toEqual(say("target"));
  });
  test("no or unknown waiting state runs the default state; goto runs another state now", async () => {
    expect(await first({ state: "gone" })).toEqual(say("menu"));
    expect(await first({ text: "go" })).toEqual(say("target"));
  });
  test("routes win over the waiting state", async () => {
    expect(await bot.reply(base({ text: "agent", state: "target" }))).toEqual({ handover: {} });
  });
  test("a goto loop fails loudly instead of hanging", async () => {
    await expect(bot.reply(base({ state: "loop" }))).rejects.toThrow(/loop/);
  });
});

describe("fillPlaceholders", () => {
  test("fills {namespace.key} everywhere and leaves unknown placeholders as written", () => {
    const filled = fillPlaceholders(
      [say("Balance {account.amount} of {user.name}, {account.missing} {nope.x}", [choice("Pay {account.amount}", "PAY")])],
      { account: { amount: 4500 }, user: { name: "Ana" } },
    );
    expect(filled).toEqual([say("Balance 4500 of Ana, {account.missing} {nope.x}", [choice("Pay 4500", "PAY")])]);
  });
  test("does not read inherited properties", () => {
    expect(fillPlaceholders([say("{account.toString}")], { account: {} })).toEqual([say("{account.toString}")]);
  });
});

describe("suggestion replies", () => {
  const offered = offeredSuggestions([say("Pick", [choice("Balance", "BALANCE"), choice("Transfer", "TRANSFER")])]);
  test("a number or a typed caption maps back to the postback", () => {
    expect(offered).toEqual([{ text: "Balance", postback: "BALANCE" }, { text: "Transfer", postback: "TRANSFER" }]);
    expect(resolveSuggestionReply({ type: "text", text: " 2 " }, offered)).toEqual({ type: "postback", postback: "TRANSFER", text: " 2 " });
    expect(resolveSuggestionReply({ type: "text", text: "balance" }, offered)).toMatchObject({ postback: "BALANCE" });
  });
  test("anything else stays as it was", () => {
    expect(resolveSuggestionReply({ type: "text", text: "3" }, offered)).toEqual({ type: "text", text: "3" });
    expect(resolveSuggestionReply({ type: "text", text: "2" }, undefined)).toEqual({ type: "text", text: "2" });
  });
});

describe("handover", () => {
  test("a human hold with a quiet period ends by itself; one without ends only when released", () => {
    const held = startHandover({ reason: "asked" }, 1_000, 60_000);
    expect(held).toEqual({ status: "human", since: 1_000, until: 61_000, reason: "asked" });
    expect(currentHandover(held, 60_999)).toBe(held);
    expect(currentHandover(held, 61_000)).toEqual({ status: "bot" });
    const open = startHandover({}, 1_000, undefined);
    expect(currentHandover(open, Number.MAX_SAFE_INTEGER)).toBe(open);
  });
});
