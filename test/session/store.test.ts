import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import { findProcessed, idDigest, idDigestBytes } from "../../lib/session/processed";
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

test("the item: keys, version, state and times as attributes, answered ids and the rest deflated in `body`, every id as a 10-byte digest and minute in `seen`", async () => {
  const { sessions, doc, settings } = store.runtime();
  const now = Date.now();
  const created = now - 3 * 60_000 - 1_234;
  const session = {
    ...newSession("bm", "encoded", created),
    version: 1,
    state: "menu",
    namespaces: { account: { balance: 1200 } },
    handover: { status: "human" as const, since: now, reason: "asked" },
    history: [
      { role: "user" as const, text: "hi 👋", at: now - 2_000 },
      { role: "bot" as const, text: "Hello", at: now },
    ],
    processed: [
      { id: "m0", at: now - 5_000 },
      { id: "m1", at: now, messages: [{ type: "text" as const, text: "Hello" }] },
      { id: "keyed", at: now - 1_000, durable: true as const },
      { id: "keyed-answered", at: now, durable: true as const, applied: { nextDialogstate: "menu" } },
    ],
    lastSuggestions: [{ text: "Balance", postback: "BALANCE" }],
    expiresAt: Math.floor(now / 1000) + 60,
  };
  await sessions.save(session, 0);
  const { Item } = await doc.send(new GetCommand({ TableName: settings.SESSIONS_TABLE, Key: { pk: session.pk }, ConsistentRead: true }));
  expect(Object.keys(Item!).sort()).toEqual(["body", "createdAt", "expiresAt", "pk", "seen", "updatedAt", "state", "version"].sort());
  expect(Item).toMatchObject({ version: 1, state: "menu", expiresAt: session.expiresAt });
  expect(Item!.seen).toHaveLength(4 * 10);
  const deflated = Item!.body as Uint8Array;
  expect(Buffer.from(deflated).includes("Hello")).toBe(false);

  // Ids come back as their digests (a durable answer's whole), in their places, times to the minute since createdAt.
  const minute = (at: number) => created + Math.floor((at - created) / 60_000) * 60_000;
  const loaded = (await sessions.load("bm", "encoded", now))!;
  expect(loaded).toEqual({
    ...session,
    processed: [
      { id: idDigest(idDigestBytes("m0")), at: minute(now - 5_000) },
      { ...session.processed[1], id: idDigest(idDigestBytes("m1")) }, // an answered entry keeps its exact time (answers are kept by age)
      { id: idDigest(idDigestBytes("keyed")), at: minute(now - 1_000), durable: true },
      session.processed[3],
    ],
  });
  expect(findProcessed(loaded.processed, "m0")).toBe(loaded.processed[0]);
  expect(findProcessed(loaded.processed, "keyed")).toBe(loaded.processed[2]);
  expect(findProcessed(loaded.processed, "m1")).toBe(loaded.processed[1]);
  expect(findProcessed(loaded.processed, "keyed-answered")).toBe(loaded.processed[3]);
  expect(findProcessed(loaded.processed, "m2")).toBeUndefined();
  // Saved again as loaded, it stays the same.
  await sessions.save({ ...loaded, version: 2 }, 1);
  expect(await sessions.load("bm", "encoded", now)).toEqual({ ...loaded, version: 2 });
});

test("items of the earlier encodings still load: fields as JSON strings, and as lists of maps", async () => {
  const { sessions, doc, settings } = store.runtime();
  const now = Date.now();
  const session = {
    ...newSession("bm", "earlier", now),
    version: 1,
    state: "menu",
    namespaces: { account: { balance: 1200 } },
    history: [{ role: "user" as const, text: "hi 👋", at: now }],
    processed: [{ id: "m1", at: now, messages: [{ type: "text" as const, text: "Hello" }] }],
    expiresAt: Math.floor(now / 1000) + 60,
  };
  const asStrings = { ...session, pk: "conv#bm#strings", namespaces: JSON.stringify(session.namespaces), handover: JSON.stringify(session.handover), history: JSON.stringify(session.history), processed: JSON.stringify(session.processed) };
  await doc.send(new PutCommand({ TableName: settings.SESSIONS_TABLE, Item: { ...asStrings, spilled: 2 } }));
  // Their count of keyed answers that left the item is taken as forgotten ids: a keyed id they do not know is still looked up.
  expect(await sessions.load("bm", "strings", now)).toEqual({ ...session, pk: "conv#bm#strings", forgotten: 2 });
  const old = { ...session, pk: "conv#bm#old-form" };
  await doc.send(new PutCommand({ TableName: settings.SESSIONS_TABLE, Item: old }));
  expect(await sessions.load("bm", "old-form", now)).toEqual(old);
});
