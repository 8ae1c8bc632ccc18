import { parseJsonBody } from "../lib/http/body";
import { json } from "../lib/http/responses";
import { webhookHandler } from "../lib/http/webhook";
import { answerKommunicate, verifyKommunicateRequest } from "../lib/platforms/kommunicate/webhook";
import { runtime } from "../lib/runtime";

/** POST /kommunicate/webhook: Kommunicate's custom bot integration ("Other bot platforms"). */
export const handler = webhookHandler({
  platform: "kommunicate",
  verify: (event) => verifyKommunicateRequest(runtime(), event),
  handle: async (event) => json(200, await answerKommunicate(runtime(), parseJsonBody(event.rawBody))),
});
