import { DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";

/**
 * The bundle-size and load-time floor of `npm run bench`: a function that holds only the DynamoDB client
 * (one consistent GetItem). The client is made on first call, as lib/runtime.ts makes ours, so module load
 * time compares code evaluation with code evaluation. Never deployed.
 */
let client: DynamoDBClient | undefined;

export const handler = async (event: { pk?: string }) => {
  client ??= new DynamoDBClient({ maxAttempts: 3, requestHandler: { connectionTimeout: 1000, requestTimeout: 3000 } });
  const out = await client.send(
    new GetItemCommand({ TableName: process.env.SESSIONS_TABLE, Key: { pk: { S: event.pk ?? "floor" } }, ConsistentRead: true }),
  );
  return { statusCode: 200, body: JSON.stringify(out.Item ?? null) };
};
