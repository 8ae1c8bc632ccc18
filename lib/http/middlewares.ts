import type { MiddlewareObj } from "@middy/core";
import type { APIGatewayProxyEventV2, Context } from "aws-lambda";
import { randomUUID } from "node:crypto";
import { beginCorrelation, logger } from "../log";
import { publishMetrics } from "../metrics";
import { StoreUnavailableError, TurnAbortedError, TurnConflictError } from "../session/errors";
import { HttpError, payloadTooLarge } from "./errors";
import { json, type HttpResult } from "./responses";

/** The event as our handlers see it: API Gateway's, plus the exact bytes received. */
export type WebhookEvent = APIGatewayProxyEventV2 & { rawBody: Buffer };
type Middleware = MiddlewareObj<WebhookEvent, HttpResult, Error, Context>;

export const MAX_BODY_BYTES = 1024 * 1024;

/**
 * Puts the Lambda context on every log line (cold_start, function_name, function_request_id, …), as Powertools'
 * injectLambdaContext does, without its other work: it sets the log level back to the configured one on every
 * invocation (for debug sampling, which we do not use: a level set while running would not last) and can log
 * the raw event (POWERTOOLS_LOGGER_LOG_EVENT; bodies hold user data). Used before correlation(): the context is
 * kept apart from the keys that correlation() resets, and nothing here resets. No context (direct calls in tests):
 * nothing to add.
 */
export function lambdaContext(): Middleware {
  return { before: (request) => (request.context ? logger.addContext(request.context) : undefined) };
}

/** Publishes the metrics counted during the request, whatever its answer (after errorResponses() on errors). */
export function flushMetrics(): Middleware {
  const flush = () => publishMetrics();
  return { after: flush, onError: flush };
}

/**
 * Sets the correlation id of the request on every log line (the Lambda request id, the API Gateway request
 * id, or a fresh one) and echoes it in the `x-correlation-id` response header. A caller's x-correlation-id is
 * never used: it would let anyone, signed or not, choose what our log lines are found by (or collide them
 * with another turn's); the caller finds its turn by the id we echo.
 */
export function correlation(platform: string): Middleware {
  // Kept on the request, not in this closure: one handler serves concurrent requests (serverless-offline).
  const state = (request: { internal: unknown }) => request.internal as { correlationId?: string };
  const echo: NonNullable<Middleware["after"]> = (request) => {
    const id = state(request).correlationId;
    if (request.response && id) request.response.headers = { ...request.response.headers, "x-correlation-id": id };
  };
  return {
    before: (request) => {
      // The Lambda request id is unique per invocation everywhere; serverless-offline's API request id is a constant.
      const id = request.context?.awsRequestId || request.event.requestContext?.requestId || randomUUID();
      state(request).correlationId = id;
      beginCorrelation(id, { platform });
    },
    after: echo,
    // Runs after errorResponses() (middy runs onError in reverse order): error answers carry the id too.
    onError: echo,
  };
}

/**
 * Every failure becomes a JSON answer with a status: 4xx for what the caller sent, 503 for transient
 * store trouble and for a Lambda about to time out (the platform retries), 500 only for our own bugs.
 * Never a stack trace in a body; serverless-offline would answer 200 for a thrown error, so nothing is left to throw.
 */
export function errorResponses(): Middleware {
  return {
    onError: (request) => {
      const err = request.error;
      if (err instanceof HttpError) {
        if (err.status >= 500) logger.error(err.message);
        else logger.warn("request refused", { status: err.status, reason: err.message, issues: err.issues });
        request.response = json(err.status, err.issues ? { error: err.message, issues: err.issues } : { error: err.message });
      } else if (err instanceof StoreUnavailableError || err instanceof TurnConflictError) {
        logger.error(err.message, { cause: String((err as Error & { cause?: unknown }).cause ?? "") });
        request.response = json(503, { error: err.message }, { "retry-after": "1" });
      } else if (err instanceof TurnAbortedError || err?.name === "TimeoutError") {
        // middy's early timeout (TimeoutError is its default): nothing is committed after this answer.
        logger.error("about to time out: answered 503", { reason: err.message });
        request.response = json(503, { error: "the request took too long and was not completed; retry" }, { "retry-after": "1" });
      } else {
        logger.error("unhandled error", err ?? "no error object");
        request.response = json(500, { error: "internal error" });
      }
    },
  };
}

/**
 * Keeps the exact bytes received (decoding API Gateway's base64) and refuses bodies over 1 MB. A body that is
 * not a string (serverless-offline hands over a JSON `0` or `false` as that value) is serialised back to JSON.
 */
export function rawBody(maxBytes = MAX_BODY_BYTES): Middleware {
  return {
    before: (request) => {
      const { body, isBase64Encoded } = request.event as { body?: unknown; isBase64Encoded?: boolean };
      const raw =
        body === undefined || body === null
          ? Buffer.alloc(0)
          : typeof body === "string"
            ? Buffer.from(body, isBase64Encoded ? "base64" : "utf8")
            : Buffer.from(JSON.stringify(body) ?? "", "utf8");
      if (raw.length > maxBytes) throw payloadTooLarge(maxBytes);
      request.event.rawBody = raw;
    },
  };
}

/** Runs a credential check on the raw request before anything parses it; the check throws 401/503. */
export function verifyCredential(check: (event: WebhookEvent) => void): Middleware {
  return { before: (request) => check(request.event) };
}
