import { recordCommands } from "../support/command-log";
import { say, type Turn } from "../../lib/conversation";
import { defineBot } from "../../lib/engine/bot";
import { runTurn, type TurnOptions } from "../../lib/engine/run-turn";
import { findProcessed } from "../../lib/session/processed";
import type { Runtime } from "../../lib/runtime";
import { startTestStore, type TestStore } from "../support/local-dynamo";

/**
 * Recorded answers of idempotency-keyed turns (TurnOptions.durableAnswer, e.g. Engage's requestId) last the
 * session TTL: when the session item would drop one (by count, age or byte budget), it is written as its own
 * item first, and a keyed turn that misses it in the session item looks that item up.
 */
let store: TestStore;
beforeAll(async () => {
  store = await startTestStore();
});
afterAll(() => store.close());

const echo = defineBot({ initial: "echo", defaultState: "echo", states: { echo: (ctx) => ({ messages: [say(`you said ${ctx.text}`)] }) } });
let n = 0;
const turn = (conversationId: string, messageId: string, text: string): Turn => ({
  platform: "test",
  conversationId,
  userId: "u1",
  messageId,
  message: { type: "text", text },
  receivedAt: Date.now(),
});

const counted = (rt: Runtime): string[] => recordCommands(rt.doc);

test("an answer the byte budget drops is still the answer of a keyed retry, and its side effect runs once", async () => {
  const rt = store.runtime({ bot: echo });
  const conversation = `big-${++n}`;
  let runs = 0;
  // Each answer is ~30 KB: the 100 KB budget keeps about three.
  const big = (id: string): TurnOptions => ({ durableAnswer: true, respond: () => (runs++, { messages: [say(`${id} ${"x".repeat(30_000)}`)] }) });
  const first = await runTurn(turn(conversation, "k-0", "zero"), rt.engine, big("k-0"));
  for (let i = 1; i <= 5; i++) await runTurn(turn(conversation, `k-${i}`, "more"), rt.engine, big(`k-${i}`));
  const stored = (await rt.sessions.load("test", conversation, Date.now()))!;
  expect(findProcessed(stored.processed, "k-0")!.messages).toBeUndefined();

  runs = 0;
  const retry = await runTurn(turn(conversation, "k-0", "zero"), rt.engine, big("k-0"));
  expect(retry).toMatchObject({ kind: "duplicate", messages: first.messages });
  expect(runs).toBe(0);
});

test("a keyed retry after more than 100 newer turns (beyond the session's processed ids) gets its answer", async () => {
  const rt = store.runtime({ bot: echo });
  const conversation = `many-${++n}`;
  const first = await runTurn(turn(conversation, "first", "hello"), rt.engine, { durableAnswer: true });
  for (let i = 0; i < 105; i++) await runTurn(turn(conversation, `m-${i}`, "more"), rt.engine, { durableAnswer: true });
  const retry = await runTurn(turn(conversation, "first", "hello"), rt.engine, { durableAnswer: true });
  expect(retry).toMatchObject({ kind: "duplicate", messages: first.messages });
});

test("cost: chat turns stay at 2 requests (1 per duplicate); a keyed turn pays a lookup only for an id whose answer left, or once keyed ids were forgotten", async () => {
  // Turns 15 s apart on the engine's clock, as a person types: answers younger than 10 s stay in the item whatever their count.
  let clock = Date.now();
  const rt = store.runtime({ bot: echo, clock: () => (clock += 15_000) });
  const commands = counted(rt);
  const conversation = `cost-${++n}`;
  for (let i = 0; i < 5; i++) {
    commands.length = 0;
    await runTurn(turn(conversation, `c-${i}`, "x"), rt.engine, { durableAnswer: true });
    expect(commands).toEqual(["GetItemCommand", "PutItemCommand"]);
  }
  // The 6th keyed turn drops the 1st answer from the item: written out before the session write.
  commands.length = 0;
  await runTurn(turn(conversation, "c-5", "x"), rt.engine, { durableAnswer: true });
  expect(commands).toEqual(["GetItemCommand", "PutItemCommand", "PutItemCommand"]);
  // A new keyed id the item does not know is new while no keyed id was forgotten: no lookup; the answer leaving is written out.
  commands.length = 0;
  await runTurn(turn(conversation, "c-6", "x"), rt.engine, { durableAnswer: true });
  expect(commands).toEqual(["GetItemCommand", "PutItemCommand", "PutItemCommand"]);
  // A retry whose answer is still in the item: one read; one whose answer left: two.
  commands.length = 0;
  expect((await runTurn(turn(conversation, "c-6", "x"), rt.engine, { durableAnswer: true })).kind).toBe("duplicate");
  expect(commands).toEqual(["GetItemCommand"]);
  commands.length = 0;
  expect(await runTurn(turn(conversation, "c-0", "x"), rt.engine, { durableAnswer: true })).toMatchObject({ kind: "duplicate", messages: [say("you said x")] });
  expect(commands).toEqual(["GetItemCommand", "GetItemCommand"]);

  // Once keyed ids leave the item's 100 (c-0 among them), a keyed id it does not know is looked up first (a miss).
  for (let i = 7; i < 107; i++) await runTurn(turn(conversation, `c-${i}`, "x"), rt.engine, { durableAnswer: true });
  const after = (await rt.sessions.load("test", conversation, Date.now()))!;
  expect(findProcessed(after.processed, "c-0")).toBeUndefined();
  expect(after.forgotten).toBe(7);
  commands.length = 0;
  await runTurn(turn(conversation, "c-107", "x"), rt.engine, { durableAnswer: true });
  expect(commands).toEqual(["GetItemCommand", "GetItemCommand", "PutItemCommand", "PutItemCommand"]);
  commands.length = 0;
  expect(await runTurn(turn(conversation, "c-0", "x"), rt.engine, { durableAnswer: true })).toMatchObject({ kind: "duplicate", messages: [say("you said x")] });
  expect(commands).toEqual(["GetItemCommand", "GetItemCommand"]);

  // A chat platform's turns (no durableAnswer) on a busy conversation: still 2, and 1 per duplicate.
  const chat = `chat-${++n}`;
  for (let i = 0; i < 8; i++) await runTurn(turn(chat, `t-${i}`, "x"), rt.engine);
  commands.length = 0;
  await runTurn(turn(chat, "t-8", "x"), rt.engine);
  expect(commands).toEqual(["GetItemCommand", "PutItemCommand"]);
  commands.length = 0;
  await runTurn(turn(chat, "t-0", "x"), rt.engine);
  expect(commands).toEqual(["GetItemCommand"]);
});
