import { CreateTableCommand, GetItemCommand, PutItemCommand, type AttributeValue } from "@aws-sdk/client-dynamodb";
import { itemBytes, padTo, readUnits, writeUnits } from "../../scripts/bench/capacity";
import { meanUnits, meterCapacity, sessionItemUnits } from "../../scripts/bench/capacity-run";
import { startEmbeddedDynamo, type LocalStore } from "../../scripts/local-store";
import { rawClient } from "../../scripts/bench/setup";
import { createDocumentClient } from "../../lib/session/dynamo";

/** The bench's DynamoDB size and capacity arithmetic, and its meter against what a store reports. */
test("item size: names and values in UTF-8 bytes, numbers by significant digits, nested types with their overhead", () => {
  expect(itemBytes({ pk: { S: "abc" } })).toBe(5);
  expect(itemBytes({ é: { S: "€" } })).toBe(2 + 3);
  expect(itemBytes({ n: { N: "12345" } })).toBe(1 + 4);
  expect(itemBytes({ n: { N: "-0.00120" } })).toBe(1 + 2);
  expect(itemBytes({ b: { BOOL: true }, z: { NULL: true } })).toBe(4);
  expect(itemBytes({ l: { L: [{ S: "ab" }, { N: "1" }] } })).toBe(1 + 3 + (1 + 2) + (1 + 2));
  expect(itemBytes({ m: { M: { k: { S: "v" } } } })).toBe(1 + 3 + 1 + 1 + 1);
});

test("units: a write per started KB of the larger of old and new, a consistent read per started 4 KB, at least 1", () => {
  expect([writeUnits(0), writeUnits(1024), writeUnits(1025), writeUnits(500, 3000)]).toEqual([1, 1, 2, 3]);
  expect([readUnits(1), readUnits(4096), readUnits(4097), readUnits(4097, false)]).toEqual([1, 1, 2, 1]);
});

test("padTo brings an item to exactly the target size, and leaves a larger one as it is", () => {
  const item: Record<string, AttributeValue> = { pk: { S: "minimal#bm#c" }, version: { N: "3" } };
  for (const target of [100, 1024, 7777]) expect(itemBytes(padTo(item, target))).toBe(target);
  expect(padTo(item, 5)).toBe(item);
});

describe("against a store", () => {
  let store: LocalStore;
  beforeAll(async () => {
    store = await startEmbeddedDynamo();
    const client = rawClient(store.endpoint);
    await client.send(new CreateTableCommand({ TableName: "bench-capacity", AttributeDefinitions: [{ AttributeName: "pk", AttributeType: "S" }], KeySchema: [{ AttributeName: "pk", KeyType: "HASH" }], BillingMode: "PAY_PER_REQUEST" }));
    client.destroy();
  });
  afterAll(() => store.close());

  test("the store charges what the arithmetic says, on both sides of every boundary", async () => {
    const client = rawClient(store.endpoint);
    try {
      let previous = 0;
      for (const size of [100, 1024, 1025, 4096, 4097, 9000, 600]) {
        const Item = padTo({ pk: { S: "sizes" } }, size);
        const put = await client.send(new PutItemCommand({ TableName: "bench-capacity", Item, ReturnConsumedCapacity: "TOTAL" }));
        expect(put.ConsumedCapacity?.CapacityUnits).toBe(writeUnits(size, previous));
        const get = await client.send(new GetItemCommand({ TableName: "bench-capacity", Key: { pk: { S: "sizes" } }, ConsistentRead: true, ReturnConsumedCapacity: "TOTAL" }));
        expect(get.ConsumedCapacity?.CapacityUnits).toBe(readUnits(size));
        previous = size;
      }
    } finally {
      client.destroy();
    }
  });

  test("the meter asks every request for its capacity and agrees with its own computation", async () => {
    const doc = createDocumentClient(store.endpoint);
    const meter = meterCapacity(doc);
    try {
      for (const size of [3000, 500, 5000]) {
        await doc.send(new GetItemCommand({ TableName: "bench-capacity", Key: { pk: { S: "metered" } }, ConsistentRead: true }));
        await doc.send(new PutItemCommand({ TableName: "bench-capacity", Item: padTo({ pk: { S: "metered" } }, size) }));
      }
      expect(meter.reported).toEqual({ read: 1 + 1 + 1, write: 3 + 3 + 5 });
      expect(meter.computed).toEqual(meter.reported);
      expect(meter.byTable).toEqual({ sessions: meter.reported });
    } finally {
      doc.destroy();
    }
  });
});

test("the session item's own units follow from its sizes turn by turn", () => {
  const turn = (itemBytes: number) => ({ reported: { read: 0, write: 0 }, computed: { read: 0, write: 0 }, byTable: {}, botItems: { read: 0, write: 0 }, itemBytes });
  // Turn 1 reads nothing (1 unit) and writes 0.5 KB; turn 2 writes 2.5 KB over it; turn 3 shrinks to 1 KB (charged as the 2.5 KB).
  expect(sessionItemUnits([turn(500), turn(2500), turn(1000)], 0, 3)).toEqual({ read: 1, write: (1 + 3 + 3) / 3 });
});

test("the units without the bot's own items leave out what the bot's account items cost", () => {
  const turn = (reported: number, bot: number) => ({ reported: { read: reported, write: reported }, computed: { read: 0, write: 0 }, byTable: {}, botItems: { read: bot, write: bot }, itemBytes: 0 });
  expect(meanUnits([turn(2, 1), turn(1, 0)], "without bot items", 0, 2)).toEqual({ read: 1, write: 1 });
  expect(meanUnits([turn(2, 1), turn(1, 0)], "reported", 0, 2)).toEqual({ read: 1.5, write: 1.5 });
});
