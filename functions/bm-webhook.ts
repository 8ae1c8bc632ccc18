import { parseJsonBody } from "../lib/http/body";
import { json } from "../lib/http/responses";
import { webhookHandler } from "../lib/http/webhook";
import { isBmDebugReport } from "../lib/platforms/business-messenger/schema";
import { answerBmMessage, recordDebugReport, verifyBmRequest } from "../lib/platforms/business-messenger/webhook";
import { runtime } from "../lib/runtime";

/** POST /bm/webhook: Business Messenger's Conversation API custom adapter (messages and, in debug mode, error reports). */
export const handler = webhookHandler({
  platform: "bm",
  verify: (event) => verifyBmRequest(runtime(), event),
  handle: async (event) => {
    const body = parseJsonBody(event.rawBody);
    if (isBmDebugReport(body)) {
      await recordDebugReport(runtime(), body);
      return json(200, { messages: [] });
    }
    return json(200, await answerBmMessage(runtime(), event, body));
  },
});
