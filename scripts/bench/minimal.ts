import { GetItemCommand, PutItemCommand, type AttributeValue, type DynamoDBClient } from "@aws-sdk/client-dynamodb";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, SQSEvent } from "aws-lambda";
import { padTo } from "./capacity";

/**
 * The floor our handlers are compared with: hand-written, no middy, no zod, no engine, and no document
 * client (the raw DynamoDBClient with attributes marshalled by hand, as our own hot path does). Parse the
 * JSON, one consistent GetItem and one PutItem conditional on the version read (the same sessions table and
 * client settings as ours), answer JSON. Its item is padded to `padTo` bytes, so it reads and writes as much
 * as ours does at that point of the conversation (the bench sets it turn by turn). It dedupes by message id
 * like ours (a duplicate costs the read only), but checks no credential and renders nothing.
 */
export interface MinimalKey {
  conversation: string;
  messageId: string;
  text: string;
}

/** Where a platform's request names its conversation and message (each scenario brings its own). */
export type KeyOf = (input: Record<string, any>, raw: string) => MinimalKey;

export interface MinimalStore {
  client: DynamoDBClient;
  table: string;
  /** Key prefix: each floor variant keeps its own items. */
  prefix: string;
  /** Bytes the written item is padded to (DynamoDB's size; 0: no padding). */
  padTo: number;
}

const MAX_PROCESSED = 30;

export const minimalKey = (platform: string, conversation: string, prefix = "minimal") => `${prefix}#${platform}#${conversation}`;

export async function minimalTurn(store: MinimalStore, platform: string, key: MinimalKey, target = store.padTo): Promise<{ duplicate: boolean; reply: unknown }> {
  const pk = minimalKey(platform, key.conversation, store.prefix);
  const { Item } = await store.client.send(new GetItemCommand({ TableName: store.table, Key: { pk: { S: pk } }, ConsistentRead: true }));
  const version = Item?.version?.N ? Number(Item.version.N) : 0;
  const processed = Item?.processed?.S ? (JSON.parse(Item.processed.S) as string[]) : [];
  if (processed.includes(key.messageId)) return { duplicate: true, reply: Item?.reply?.S ? JSON.parse(Item.reply.S) : undefined };
  const reply = { text: `you said ${key.text}` };
  const item: Record<string, AttributeValue> = {
    pk: { S: pk },
    version: { N: String(version + 1) },
    processed: { S: JSON.stringify([...processed, key.messageId].slice(-MAX_PROCESSED)) },
    reply: { S: JSON.stringify(reply) },
    updatedAt: { N: String(Date.now()) },
  };
  await store.client.send(
    new PutItemCommand({
      TableName: store.table,
      Item: padTo(item, target),
      ...(version === 0
        ? { ConditionExpression: "attribute_not_exists(pk)" }
        : { ConditionExpression: "#v = :v", ExpressionAttributeNames: { "#v": "version" }, ExpressionAttributeValues: { ":v": { N: String(version) } } }),
    }),
  );
  return { duplicate: false, reply };
}

/** Query string and JSON body as one object (an Engage GET carries its input in the query). */
function inputOf(raw: string, query: Record<string, string | undefined> | undefined): Record<string, any> {
  const body = raw ? JSON.parse(raw) : {};
  return query ? { ...query, ...body } : body;
}

/** The minimal Lambda handler for an API Gateway event. */
export function minimalHttpHandler(store: MinimalStore, platform: string, keyOf: KeyOf, status = 200) {
  return async (event: APIGatewayProxyEventV2): Promise<APIGatewayProxyStructuredResultV2> => {
    const raw = event.isBase64Encoded ? Buffer.from(event.body ?? "", "base64").toString("utf8") : (event.body ?? "");
    let input: Record<string, any>;
    try {
      input = inputOf(raw, event.queryStringParameters);
    } catch {
      return { statusCode: 400, headers: { "content-type": "application/json" }, body: '{"error":"not JSON"}' };
    }
    const out = await minimalTurn(store, platform, keyOf(input, raw));
    return { statusCode: status, headers: { "content-type": "application/json" }, body: JSON.stringify(out) };
  };
}

/**
 * The minimal SQS worker: each record's body is a job; the same store work per record, and with `deliverTo`
 * the reply POSTed there as JSON (what our TwoWay job does with its outbound URL).
 */
export function minimalSqsHandler(store: MinimalStore, platform: string, keyOf: KeyOf, deliverTo?: string) {
  return async (event: SQSEvent): Promise<{ batchItemFailures: Array<{ itemIdentifier: string }> }> => {
    for (const record of event.Records) {
      const { duplicate, reply } = await minimalTurn(store, platform, keyOf(JSON.parse(record.body), record.body));
      if (deliverTo && !duplicate) {
        const res = await fetch(deliverTo, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify(reply) });
        await res.text();
        if (!res.ok) throw new Error(`delivery failed: HTTP ${res.status}`);
      }
    }
    return { batchItemFailures: [] };
  };
}
