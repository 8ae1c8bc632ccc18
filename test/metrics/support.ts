import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";

/** An EMF document as CloudWatch reads it from a log line. */
export interface Emf {
  _aws: { CloudWatchMetrics: Array<{ Namespace: string; Dimensions: string[][]; Metrics: Array<{ Name: string; Unit: string }> }> };
  [key: string]: unknown;
}

/** Everything written to stdout and stderr while `run` runs (metrics and log lines), as parsed JSON lines. */
export async function captureOutput(run: () => Promise<void>): Promise<Array<Record<string, unknown>>> {
  const chunks: string[] = [];
  const capture = (chunk: unknown) => (chunks.push(String(chunk)), true);
  const spies = [jest.spyOn(process.stdout, "write").mockImplementation(capture), jest.spyOn(process.stderr, "write").mockImplementation(capture)];
  try {
    await run();
  } finally {
    spies.forEach((s) => s.mockRestore());
  }
  return chunks.join("").split("\n").filter(Boolean).map((l) => JSON.parse(l));
}

export const emfOf = (lines: Array<Record<string, unknown>>): Emf[] => lines.filter((l): l is Emf => "_aws" in l);

/** metric name → value over all EMF lines of one platform (no platform: lines without the dimension). */
export function metricValues(lines: Array<Record<string, unknown>>, platform?: string): Record<string, number> {
  const values: Record<string, number> = {};
  for (const doc of emfOf(lines)) {
    if (doc.platform !== platform) continue;
    for (const { Name } of doc._aws.CloudWatchMetrics[0]!.Metrics) values[Name] = (values[Name] ?? 0) + Number(doc[Name]);
  }
  return values;
}

/** A Lambda context like the one Lambda passes (the fields Powertools reads). */
export function lambdaContext(awsRequestId: string): Context {
  return {
    functionName: "onebot-test-bm-webhook",
    functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:onebot-test-bm-webhook",
    memoryLimitInMB: "1024",
    awsRequestId,
    logGroupName: "/aws/lambda/onebot-test-bm-webhook",
    logStreamName: "2026/12/03/[$LATEST]0123456789abcdef",
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => 10_000,
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}

export { bmEvent } from "../support/bm-client";

export type LambdaHandler = (event: APIGatewayProxyEventV2, context: Context) => Promise<unknown>;

export const invoke = async (handler: LambdaHandler, event: APIGatewayProxyEventV2, context: Context) =>
  (await handler(event, context)) as APIGatewayProxyStructuredResultV2;
