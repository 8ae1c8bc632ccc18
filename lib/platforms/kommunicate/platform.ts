import { parseJsonBody } from "../../http/body";
import { json } from "../../http/responses";
import { definePlatform } from "../platform";
import { KOMMUNICATE_DESK } from "./desk";
import { KOMMUNICATE_LATE_REPLY } from "./late-reply";
import { answerKommunicate, verifyKommunicateRequest } from "./webhook";
import { KOMMUNICATE_LOCAL_SECRETS, kommunicateSettings } from "./settings";

/** Kommunicate custom bot ("Other bot platforms"): answers inside its request, late answers as a job. */
export const kommunicate = definePlatform({
  id: "kommunicate",
  name: "Kommunicate",
  role: "channel",
  secrets: ["KOMMUNICATE_WEBHOOK_SECRET"],
  settings: kommunicateSettings,
  localSecrets: KOMMUNICATE_LOCAL_SECRETS,
  endpoints: {
    webhook: {
      description: 'Kommunicate custom bot webhook URL ("Other bot platforms")',
      routes: ["POST /kommunicate/webhook"],
      output: "KommunicateWebhookUrl",
      verify: verifyKommunicateRequest,
      handle: async (rt, event) => json(200, await answerKommunicate(rt, parseJsonBody(event.rawBody))),
    },
  },
  jobKinds: [KOMMUNICATE_LATE_REPLY, KOMMUNICATE_DESK],
  outOfBand: "relay",
});
