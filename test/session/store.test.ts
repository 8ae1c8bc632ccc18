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
