import { empty } from "../lib/http/responses";
import { webhookHandler } from "../lib/http/webhook";
import { verifyLivePersonRequest } from "../lib/platforms/liveperson/verify";
import { acceptLivePersonNotification } from "../lib/platforms/liveperson/webhook";
import { runtime } from "../lib/runtime";

/** POST /liveperson/webhook: LivePerson Connector API notifications (agent messages, conversation changes). */
export const handler = webhookHandler({
  platform: "liveperson",
  verify: (event) => verifyLivePersonRequest(runtime().settings, event),
  handle: async (event) => {
    await acceptLivePersonNotification(runtime(), event);
    return empty(200);
  },
});
