import { empty } from "../lib/http/responses";
import { webhookHandler } from "../lib/http/webhook";
import { recordTwoWayEvent, verifyTwoWayRequest } from "../lib/platforms/twoway/webhook";
import { runtime } from "../lib/runtime";

/** POST /twoway/events: router events (session metadata), recorded; RouterSessionEnded resets the dialog. */
export const handler = webhookHandler({
  platform: "twoway",
  verify: (event) => verifyTwoWayRequest(runtime(), event, false),
  handle: async (event) => {
    await recordTwoWayEvent(runtime(), event.rawBody);
    return empty(200);
  },
});
