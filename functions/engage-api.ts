import { json } from "../lib/http/responses";
import { webhookHandler } from "../lib/http/webhook";
import { answerEngage } from "../lib/platforms/engage/api";
import { verifyEngageRequest } from "../lib/platforms/engage/verify";
import { runtime } from "../lib/runtime";

/** GET/POST/PUT/PATCH/DELETE /engage/{action}: Sinch Engage (Chatlayer) bot builder API steps. */
export const handler = webhookHandler({
  platform: "engage",
  verify: (event) => verifyEngageRequest(runtime().settings.ENGAGE_API_TOKEN, runtime().settings.BOT_STAGE, event),
  handle: async (event) => json(200, await answerEngage(runtime(), event)),
});
