import middy from "@middy/core";
import type { Context } from "aws-lambda";
import { correlation, errorResponses, rawBody, verifyCredential, type WebhookEvent } from "./middlewares";
import type { HttpResult } from "./responses";

export interface WebhookOptions {
  platform: string;
  /** Throws 401 (bad credential) or 503 (credential not configured on a deployed stage). */
  verify: (event: WebhookEvent) => void;
  handle: (event: WebhookEvent) => Promise<HttpResult>;
}

/** The pipeline every platform endpoint shares: correlation id, error mapping, raw body + size, credential. */
export function webhookHandler({ platform, verify, handle }: WebhookOptions) {
  return middy<WebhookEvent, HttpResult, Error, Context>()
    .use(correlation(platform))
    .use(errorResponses())
    .use(rawBody())
    .use(verifyCredential(verify))
    .handler(handle);
}
