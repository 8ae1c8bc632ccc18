import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import { sessionKey } from "../../lib/session/session";
import { itemBytes } from "./capacity";
import { minimalKey } from "./minimal";
import type { Stack } from "./setup";

/**
 * Mean size (DynamoDB's bytes, scripts/bench/capacity.ts) of the items each variant keeps per conversation
 * after a run: what every turn reads and writes back. Ours holds the bounded history and the recorded answers.
 */
export async function meanItemBytes(stack: Stack, oursKeys: string[], minimalKeys: string[]): Promise<{ ours: number; minimal: number }> {
  const size = async (pk: string) => {
    const { Item } = await stack.minimal.client.send(new GetItemCommand({ TableName: stack.minimal.table, Key: { pk: { S: pk } } }));
    return Item ? itemBytes(Item) : 0;
  };
  const ours = await Promise.all(oursKeys.map(size));
  const minimal = await Promise.all(minimalKeys.map(size));
  const mean = (xs: number[]) => {
    const present = xs.filter((x) => x > 0);
    return present.length ? present.reduce((a, b) => a + b, 0) / present.length : NaN;
  };
  return { ours: mean(ours), minimal: mean(minimal) };
}

/** The keys each variant uses for these BM conversations. */
export const bmKeys = (conversationIds: string[], minimalPlatform = "bm") => [conversationIds.map((id) => sessionKey("bm", id)), conversationIds.map((id) => minimalKey(minimalPlatform, id))] as const;
