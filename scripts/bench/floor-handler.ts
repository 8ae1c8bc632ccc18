import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { minimalTurn, type MinimalStore } from "./minimal";

/**
 * The bundle-size and load-time floor of `npm run bench`: the minimal turn (scripts/bench/minimal.ts: one
 * consistent GetItem, one conditional PutItem) on the raw DynamoDB client, nothing else. Built with an
 * environment-only credential provider (floor-credentials.ts), as a Lambda function needs no other. The
 * client is made on first call, as lib/runtime.ts makes ours, so module load time compares code evaluation
 * with code evaluation. Never deployed.
 */
let store: MinimalStore | undefined;

export const handler = async (event: { conversation?: string; messageId?: string; text?: string; padTo?: number }) => {
  store ??= {
    client: new DynamoDBClient({ maxAttempts: 3, requestHandler: { connectionTimeout: 1000, requestTimeout: 3000, throwOnRequestTimeout: true } }),
    table: process.env.SESSIONS_TABLE ?? "",
    prefix: "floor",
    padTo: 0,
  };
  const key = { conversation: event.conversation ?? "floor", messageId: event.messageId ?? "m", text: event.text ?? "" };
  return { statusCode: 200, body: JSON.stringify(await minimalTurn(store, "floor", key, event.padTo ?? 0)) };
};
