import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";

/**
 * The DynamoDB document client. The endpoint comes from AWS_ENDPOINT_URL_DYNAMODB when set (local store),
 * else from the Lambda's region. Short timeouts so an outage becomes a quick 503, not a hung webhook.
 */
export function createDocumentClient(endpoint?: string): DynamoDBDocumentClient {
  const client = new DynamoDBClient({
    ...(endpoint ? { endpoint } : {}),
    maxAttempts: 3,
    // throwOnRequestTimeout: without it the SDK only logs a warning when requestTimeout passes, and waits on.
    requestHandler: { connectionTimeout: 1000, requestTimeout: 3000, throwOnRequestTimeout: true },
  });
  return DynamoDBDocumentClient.from(client, {
    marshallOptions: { removeUndefinedValues: true, convertClassInstanceToMap: false },
  });
}
