import { empty } from "../../http/responses";
import { definePlatform } from "../platform";
import { LIVEPERSON_CHANGE } from "./change-job";
import { verifyLivePersonRequest } from "./verify";
import { acceptLivePersonNotification } from "./webhook";
import { LIVEPERSON, LIVEPERSON_LOCAL_SECRETS, livepersonSettings } from "./settings";

/** LivePerson Connector API: the human agents' desk behind a handover (webhooks in, Connector API calls out). */
export const liveperson = definePlatform({
  id: LIVEPERSON,
  name: "LivePerson",
  role: "desk",
  secrets: ["LP_CLIENT_ID", "LP_CLIENT_SECRET"],
  settings: livepersonSettings,
  localSecrets: LIVEPERSON_LOCAL_SECRETS,
  endpoints: {
    webhook: {
      description: "LivePerson app install webhook endpoint (every event type)",
      routes: ["POST /liveperson/webhook"],
      output: "LivePersonWebhookUrl",
      verify: (rt, event) => verifyLivePersonRequest(livepersonSettings(rt), event),
      handle: async (rt, event) => {
        await acceptLivePersonNotification(rt, event);
        return empty(200);
      },
    },
  },
  jobKinds: [LIVEPERSON_CHANGE],
});
