import { parseJsonBody } from "../../http/body";
import { empty, json } from "../../http/responses";
import { definePlatform } from "../platform";
import { isBmDebugReport } from "./schema";
import { BM_LOCAL_SECRETS, bmSettings } from "./settings";
import { answerBmMessage, recordDebugReport, verifyBmRequest } from "./webhook";

/** HORISEN Business Messenger, Conversation API custom adapter: answers inside its own request. */
export const businessMessenger = definePlatform({
  id: "bm",
  name: "Business Messenger",
  role: "channel",
  secrets: ["BM_SIGNATURE_KEY"],
  settings: bmSettings,
  localSecrets: BM_LOCAL_SECRETS,
  endpoints: {
    webhook: {
      description: "HORISEN Business Messenger webhook (custom adapter URL)",
      routes: ["POST /bm/webhook"],
      output: "BmWebhookUrl",
      verify: verifyBmRequest,
      // Debug reports may arrive here too when no separate URL is set for them.
      handle: async (rt, event) => {
        const body = parseJsonBody(event.rawBody);
        if (isBmDebugReport(body)) {
          await recordDebugReport(rt, body);
          return json(200, { messages: [] });
        }
        return json(200, await answerBmMessage(rt, event, body));
      },
    },
    debug: {
      description: "HORISEN Business Messenger debug-mode error reports URL",
      routes: ["POST /bm/debug"],
      output: "BmDebugUrl",
      verify: verifyBmRequest,
      handle: async (rt, event) => {
        await recordDebugReport(rt, parseJsonBody(event.rawBody));
        return empty(200);
      },
    },
  },
});
