import { GetCommand } from "@aws-sdk/lib-dynamodb";
import { createRuntime, runtime, useRuntime } from "../../lib/runtime";
import { withCommitGuard } from "../../lib/session/commit-guard";
import { TurnAbortedError, TurnConflictError } from "../../lib/session/errors";
import { expiresAt } from "../../lib/session/keys";
import { startTestStore, type TestStore } from "../support/local-dynamo";
import { testBot } from "../support/test-bot";

/** The bot's storage port (lib/session/bot-store.ts) against the real embedded DynamoDB. */
let store: TestStore;
beforeAll(async () => {
  store = await startTestStore();
});
afterAll(() => store.close());

const NOW = Date.UTC(2026, 0, 1);
const botStore = () => store.runtime({ clock: () => NOW }).botStore;

test("get answers the value and its version; putIfVersion writes version expected + 1 only over `expected`", async () => {
  const s = botStore();
  expect(await s.get("item#a")).toBeUndefined();
  expect(await s.putIfVersion("item#a", { n: 1 }, 0)).toBe(true);
  expect(await s.putIfVersion("item#a", { n: 2 }, 0)).toBe(false);
  expect(await s.get("item#a")).toEqual({ value: { n: 1 }, version: 1 });
  expect(await s.putIfVersion("item#a", { n: 2 }, 1)).toBe(true);
  expect(await s.putIfVersion("item#a", { n: 3 }, 1)).toBe(false);
  expect(await s.get("item#a")).toEqual({ value: { n: 2 }, version: 2 });
});

test("put writes whatever is stored; a TTL is stamped as expiresAt (epoch seconds) from the runtime's clock", async () => {
  const rt = store.runtime({ clock: () => NOW });
  await rt.botStore.put("record#1", { kind: "record", text: "first" }, { ttlDays: 30 });
  await rt.botStore.put("record#1", { kind: "record", text: "second" }, { ttlDays: 30 });
  expect(await rt.botStore.get("record#1")).toEqual({ value: { kind: "record", text: "second" }, version: 1 });
  const { Item } = await rt.doc.send(new GetCommand({ TableName: rt.settings.SESSIONS_TABLE, Key: { pk: "record#1" }, ConsistentRead: true }));
  expect(Item).toMatchObject({ pk: "record#1", version: 1, expiresAt: expiresAt(NOW, 30) });
  expect(expiresAt(NOW, 30)).toBe(NOW / 1000 + 30 * 86_400);
});

test("update reruns the change on a fresh read when another writer got there first, and writes nothing without `next`", async () => {
  const s = botStore();
  const add = (by: number) => s.update<{ total: number }, number>("counter#1", { initial: () => ({ total: 0 }), change: (v) => ({ next: { total: v.total + by }, result: v.total + by }) });
  await Promise.all(Array.from({ length: 8 }, () => add(1)));
  expect(await s.get("counter#1")).toEqual({ value: { total: 8 }, version: 8 });
  expect(await s.update("counter#1", { initial: () => ({ total: 0 }), change: (v) => ({ result: v.total }) })).toBe(8);
  expect((await s.get("counter#1"))!.version).toBe(8);
  await expect(s.update("counter#1", { initial: () => ({ total: 0 }), maxAttempts: 1, change: (v) => ({ next: v, result: 0 }), beforeWrite: () => s.putIfVersion("counter#1", { total: 9 }, 8).then(() => undefined) })).rejects.toBeInstanceOf(TurnConflictError);
});

test("a bot cannot reach the framework's items, nor its store's own attributes", async () => {
  const s = botStore();
  for (const key of ["conv#bm#x", "answer#bm#x#1", "lp#1", "platform#bm#debug", "jobs#dead-letter", "delivery#km#a#b", ""]) {
    await expect(s.get(key)).rejects.toBeInstanceOf(RangeError);
    await expect(s.put(key, {})).rejects.toBeInstanceOf(RangeError);
  }
  await expect(s.put("item#b", { version: 3 })).rejects.toThrow(/"version"/);
  await expect(s.putIfVersion("item#b", { pk: "conv#bm#x" }, 0)).rejects.toThrow(/"pk"/);
});

test("lib/runtime: no runtime installed and no way to make one is an error; an installed one wins over the composition root's", () => {
  useRuntime(undefined);
  expect(() => runtime()).toThrow(/no runtime installed/);
  const made = createRuntime({ userBot: testBot, settings: store.runtime().settings, doc: store.runtime().doc });
  expect(runtime(() => made)).toBe(made);
  const installed = store.runtime();
  useRuntime(installed);
  expect(runtime(() => made)).toBe(installed);
  useRuntime(undefined);
});

test("a bot's direct writes respect the request's commit guard: none starts past its deadline", async () => {
  const s = botStore();
  const late = { deadline: Date.now() - 1 };
  await expect(withCommitGuard(late, () => s.put("guarded#1", { n: 1 }))).rejects.toBeInstanceOf(TurnAbortedError);
  await expect(withCommitGuard(late, () => s.putIfVersion("guarded#2", { n: 1 }, 0))).rejects.toBeInstanceOf(TurnAbortedError);
  expect(await s.get("guarded#1")).toBeUndefined();
  expect(await s.get("guarded#2")).toBeUndefined();
});
