import { empty } from "../lib/http/responses";
import { webhookHandler } from "../lib/http/webhook";
import { recordTwoWayHandover, verifyTwoWayRequest } from "../lib/platforms/twoway/webhook";
import { runtime } from "../lib/runtime";

/** POST /twoway/handover: the router's handover notification (template body, parsed tolerantly). */
export const handler = webhookHandler({
  platform: "twoway",
  verify: (event) => verifyTwoWayRequest(runtime(), event, false),
  handle: async (event) => {
    await recordTwoWayHandover(runtime(), event.rawBody);
    return empty(200);
  },
});
