import { PutItemCommand } from "@aws-sdk/client-dynamodb";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { marshall } from "@aws-sdk/util-dynamodb";
import { StoreUnavailableError } from "./errors";

/**
 * Optimistic concurrency for any versioned item: writes `item` only if the stored `version` is still
 * `expected` (0 = the item must not exist yet). Returns false when another writer got there first;
 * any other failure is a StoreUnavailableError (503).
 */
export async function putIfVersion(
  doc: DynamoDBDocumentClient,
  tableName: string,
  item: { pk: string; version: number },
  expected: number,
  what: string,
): Promise<boolean> {
  const condition =
    expected === 0
      ? { ConditionExpression: "attribute_not_exists(pk)" }
      : {
          ConditionExpression: "#version = :expected",
          ExpressionAttributeNames: { "#version": "version" },
          ExpressionAttributeValues: { ":expected": { N: String(expected) } },
        };
  try {
    // The client's own PutItem, marshalled here: the document client's wrapper adds a middleware stack per request.
    await doc.send(new PutItemCommand({ TableName: tableName, Item: marshall(item, { removeUndefinedValues: true }), ...condition }));
    return true;
  } catch (err) {
    if ((err as { name?: string }).name === "ConditionalCheckFailedException") return false;
    throw new StoreUnavailableError(`write ${what}`, err);
  }
}
