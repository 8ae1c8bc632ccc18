import middy from "@middy/core";
import type { Context } from "aws-lambda";
import { withCommitGuard } from "../session/commit-guard";
import { TurnAbortedError } from "../session/errors";
import { correlation, errorResponses, flushMetrics, lambdaContext, rawBody, verifyCredential, type WebhookEvent } from "./middlewares";
import type { HttpResult } from "./responses";

export interface WebhookOptions {
  platform: string;
  /** Throws 401 (bad credential) or 503 (credential not configured on a deployed stage). */
  verify: (event: WebhookEvent) => void;
  handle: (event: WebhookEvent) => Promise<HttpResult>;
}

/** middy answers 503 this long before the Lambda's timeout (time to send it), and aborts the handler's signal. */
export const TIMEOUT_EARLY_MS = 1_000;
/** No commit starts in the last this-long before that answer: a write started in time lands before it. */
export const COMMIT_MARGIN_MS = 1_000;

/**
 * The pipeline every platform endpoint shares: Lambda context and correlation id on every log line, metrics
 * published per request (errors included), error mapping, raw body + size, credential.
 * Near the Lambda's timeout the caller gets 503 + Retry-After (errorResponses), and the turn still running
 * commits nothing afterwards (its writes check the commit guard), so the caller's retry runs it once.
 */
export function webhookHandler({ platform, verify, handle }: WebhookOptions) {
  return middy<WebhookEvent, HttpResult, Error, Context>({
    timeoutEarlyInMillis: TIMEOUT_EARLY_MS,
    timeoutEarlyResponse: () => {
      throw new TurnAbortedError("answered 503 before the Lambda's timeout");
    },
  })
    .use(lambdaContext())
    .use(correlation(platform))
    .use(flushMetrics())
    .use(errorResponses())
    .use(rawBody())
    .use(verifyCredential(verify))
    .handler(async (event, context) => {
      // No remaining time outside Lambda (some tests): then nothing to guard against.
      const remaining = context?.getRemainingTimeInMillis?.();
      if (remaining === undefined) return handle(event);
      // Our own signal, aborted when middy answers: middy's is one per module, shared by concurrent requests
      // (serverless-offline runs several in one process), so one request's timeout would abort the others.
      const answered = new AbortController();
      const timer = setTimeout(() => answered.abort(), Math.max(0, remaining - TIMEOUT_EARLY_MS));
      try {
        return await withCommitGuard({ signal: answered.signal, deadline: Date.now() + remaining - TIMEOUT_EARLY_MS - COMMIT_MARGIN_MS }, () => handle(event));
      } finally {
        clearTimeout(timer);
      }
    });
}
