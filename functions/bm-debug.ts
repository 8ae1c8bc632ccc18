import { parseJsonBody } from "../lib/http/body";
import { empty } from "../lib/http/responses";
import { webhookHandler } from "../lib/http/webhook";
import { recordDebugReport, verifyBmRequest } from "../lib/platforms/business-messenger/webhook";
import { runtime } from "../lib/runtime";

/** POST /bm/debug: Business Messenger debug-mode error reports, when routed here. Stored and logged, never answered. */
export const handler = webhookHandler({
  platform: "bm",
  verify: (event) => verifyBmRequest(runtime(), event),
  handle: async (event) => {
    await recordDebugReport(runtime(), parseJsonBody(event.rawBody));
    return empty(200);
  },
});
