import { randomUUID } from "node:crypto";
import type { APIGatewayProxyEventV2, Context, SQSEvent } from "aws-lambda";

/**
 * Lambda inputs as the deployed functions get them: API Gateway HTTP API (payload 2.0) events in the shape
 * test/support/api-gateway.ts builds (lower-case headers, UTF-8 body, request context), an SQS event for
 * the job worker, and a Lambda context with getRemainingTimeInMillis (middy arms its early-timeout timer
 * when that is present, as it is in Lambda).
 */
export interface HttpRequest {
  method: string;
  path: string;
  /** The route as serverless.yml declares it, e.g. "POST /engage/{action}". */
  route: string;
  headers: Record<string, string>;
  body: string;
  query?: Record<string, string>;
  pathParameters?: Record<string, string>;
}

let requestCounter = 0;

export function apiEvent(req: HttpRequest): APIGatewayProxyEventV2 {
  const headers: Record<string, string> = {
    "content-length": String(Buffer.byteLength(req.body)),
    host: "abc123.execute-api.eu-central-1.amazonaws.com",
    "user-agent": "bench",
    ...Object.fromEntries(Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), v])),
  };
  const rawQueryString = req.query ? new URLSearchParams(req.query).toString() : "";
  const requestId = `bench-${++requestCounter}`;
  return {
    version: "2.0",
    routeKey: req.route,
    rawPath: req.path,
    rawQueryString,
    headers,
    ...(req.query ? { queryStringParameters: req.query } : {}),
    ...(req.pathParameters ? { pathParameters: req.pathParameters } : {}),
    requestContext: {
      accountId: "local",
      apiId: "local",
      domainName: "abc123.execute-api.eu-central-1.amazonaws.com",
      domainPrefix: "abc123",
      http: { method: req.method, path: req.path, protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "bench" },
      requestId,
      routeKey: req.route,
      stage: "$default",
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
    body: req.body,
    isBase64Encoded: false,
  };
}

export function sqsEvent(bodies: Array<{ body: string; group: string; dedupeId: string }>): SQSEvent {
  return {
    Records: bodies.map(({ body, group, dedupeId }) => ({
      messageId: randomUUID(),
      receiptHandle: "bench",
      body,
      attributes: {
        ApproximateReceiveCount: "1",
        SentTimestamp: String(Date.now()),
        SenderId: "bench",
        ApproximateFirstReceiveTimestamp: String(Date.now()),
        MessageGroupId: group,
        MessageDeduplicationId: dedupeId,
      },
      messageAttributes: {},
      md5OfBody: "",
      eventSource: "aws:sqs",
      eventSourceARN: "arn:aws:sqs:eu-central-1:000000000000:onebot-bench-jobs.fifo",
      awsRegion: "eu-central-1",
    })),
  };
}

/** `timeoutMs`: the function's timeout in serverless.yml (29 s for HTTP functions, 60 s for the job worker). */
export function lambdaContext(functionName: string, timeoutMs = 29_000): Context {
  const deadline = Date.now() + timeoutMs;
  return {
    callbackWaitsForEmptyEventLoop: true,
    functionName,
    functionVersion: "$LATEST",
    invokedFunctionArn: `arn:aws:lambda:eu-central-1:000000000000:function:${functionName}`,
    memoryLimitInMB: "512",
    awsRequestId: randomUUID(),
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: "bench",
    getRemainingTimeInMillis: () => deadline - Date.now(),
    done: () => undefined,
    fail: () => undefined,
    succeed: () => undefined,
  };
}
