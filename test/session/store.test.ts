import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { newSession } from "../../lib/session/session";
import { startTestStore, type TestStore } from "../support/local-dynamo";

/** The session store against the real embedded DynamoDB. */
let store: TestStore;
beforeAll(async () => {
  store = await startTestStore();
});
afterAll(() => store.close());

test("save is conditional on the version read: the second writer of a version gets a conflict", async () => {
  const { sessions } = store.runtime();
  const now = Date.now();
  const fresh = { ...newSession("bm", "race", now), version: 1, expiresAt: Math.floor(now / 1000) + 60 };
  expect(await sessions.save(fresh, 0)).toBe("saved");
  expect(await sessions.save({ ...fresh, state: "other" }, 0)).toBe("conflict");
  expect(await sessions.save({ ...fresh, version: 2, state: "a" }, 1)).toBe("saved");
  expect(await sessions.save({ ...fresh, version: 2, state: "b" }, 1)).toBe("conflict");
  expect(await sessions.load("bm", "race", now)).toMatchObject({ version: 2, state: "a" });
});

test("an expired item reads as a new conversation that keeps the version for the next conditional write", async () => {
  const { sessions } = store.runtime();
  const now = Date.now();
  const stale = { ...newSession("bm", "stale", now), version: 7, state: "menu", namespaces: { a: { b: 1 } }, expiresAt: Math.floor(now / 1000) - 1 };
  await sessions.save(stale, 0);
  const loaded = await sessions.load("bm", "stale", now);
  expect(loaded).toMatchObject({ version: 7, namespaces: {}, history: [], processed: [] });
  expect(loaded!.state).toBeUndefined();
});

test("structured fields are stored as JSON strings, keys, version and state as attributes; both forms load", async () => {
  const { sessions, doc, settings } = store.runtime();
  const now = Date.now();
  const session = {
    ...newSession("bm", "encoded", now),
    version: 1,
    state: "menu",
    namespaces: { account: { balance: 1200 } },
    history: [{ role: "user" as const, text: "hi 👋", at: now }],
    processed: [{ id: "m1", at: now, messages: [{ type: "text" as const, text: "Hello" }] }],
    expiresAt: Math.floor(now / 1000) + 60,
  };
  await sessions.save(session, 0);
  const { Item } = await doc.send(new GetCommand({ TableName: settings.SESSIONS_TABLE, Key: { pk: session.pk }, ConsistentRead: true }));
  expect(Item).toMatchObject({
    version: 1,
    state: "menu",
    namespaces: '{"account":{"balance":1200}}',
    handover: '{"status":"bot"}',
    history: JSON.stringify(session.history),
    processed: JSON.stringify(session.processed),
  });
  expect(await sessions.load("bm", "encoded", now)).toEqual(session);

  // An item written before the encoding (lists of maps) still loads.
  const old = { ...session, pk: "conv#bm#old-form" };
  await doc.send(new PutCommand({ TableName: settings.SESSIONS_TABLE, Item: old }));
  expect(await sessions.load("bm", "old-form", now)).toEqual({ ...old, conversationId: "encoded" });
});
