import { endpointHandler as platformEndpointHandler } from "../lib/platforms/endpoint-handler";
import type { Platform } from "../lib/platforms/platform";
import { appRuntime } from "./runtime";

/**
 * The Lambda handler of one endpoint of one platform, with the user's bot (app/runtime.ts). A function file is
 * one line: `export const handler = endpointHandler(businessMessenger, "webhook")`.
 */
export function endpointHandler<P extends Platform>(platform: P, name: keyof P["endpoints"] & string) {
  return platformEndpointHandler(platform, name, appRuntime);
}
