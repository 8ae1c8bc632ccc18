import { json } from "../../http/responses";
import { definePlatform } from "../platform";
import { answerEngage } from "./api";
import { ENGAGE_LOCAL_SECRETS, engageSettings } from "./settings";
import { verifyEngageRequest } from "./verify";

/** Sinch Engage (Chatlayer) bot builder API steps: one action per call, answered in Engage's own contract. */
export const engage = definePlatform({
  id: "engage",
  name: "Sinch Engage",
  role: "channel",
  secrets: ["ENGAGE_API_TOKEN"],
  settings: engageSettings,
  localSecrets: ENGAGE_LOCAL_SECRETS,
  endpoints: {
    api: {
      description: "Sinch Engage API step URL (append the action name, e.g. /engage/transfer)",
      routes: ["GET /engage/{action}", "POST /engage/{action}", "PUT /engage/{action}", "PATCH /engage/{action}", "DELETE /engage/{action}"],
      output: "EngageApiUrl",
      verify: (rt, event) => verifyEngageRequest(engageSettings(rt).ENGAGE_API_TOKEN, event),
      handle: async (rt, event) => json(200, await answerEngage(rt, event)),
    },
  },
});
