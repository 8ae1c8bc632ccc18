import { empty } from "../lib/http/responses";
import { webhookHandler } from "../lib/http/webhook";
import { acceptTwoWayMessages, verifyTwoWayRequest } from "../lib/platforms/twoway/webhook";
import { runtime } from "../lib/runtime";

/** POST /twoway/messages: CM.com router messages; 201 at once, the turn runs as a job, the reply goes to the outbound URL. */
export const handler = webhookHandler({
  platform: "twoway",
  verify: (event) => verifyTwoWayRequest(runtime(), event, true),
  handle: async (event) => {
    await acceptTwoWayMessages(runtime(), event);
    return empty(201);
  },
});
