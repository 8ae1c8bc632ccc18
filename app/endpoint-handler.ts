import type { Context } from "aws-lambda";
import type { WebhookEvent } from "../lib/http/middlewares";
import { endpointHandler as platformEndpointHandler } from "../lib/platforms/endpoint-handler";
import type { Platform } from "../lib/platforms/platform";
import type { Runtime } from "../lib/runtime";
import { appRuntime, currentRuntime } from "./runtime";

/**
 * The Lambda handler of one endpoint of one platform, with the user's bot (app/runtime.ts). A function file is
 * one line: `export const handler = endpointHandler(businessMessenger, "webhook")`.
 * Each request first gets its runtime: deployed, that reads the function's stage secrets (cached; never throws, a
 * secret it cannot read leaves its settings unset and the secrets guard answers 503 naming them).
 */
export function endpointHandler<P extends Platform>(platform: P, name: keyof P["endpoints"] & string) {
  // A Lambda handles one request at a time; under serverless-offline every request gets appRuntime() anyway.
  let rt: Runtime | undefined;
  const handler = platformEndpointHandler(platform, name, () => rt ?? appRuntime());
  return async (event: WebhookEvent, context: Context) => {
    rt = await currentRuntime();
    return handler(event, context);
  };
}
