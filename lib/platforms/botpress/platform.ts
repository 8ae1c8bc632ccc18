import { json } from "../../http/responses";
import { definePlatform } from "../platform";
import { BOTPRESS_PLATFORM } from "./inbound";
import { BOTPRESS_LOCAL_DEFAULTS, botpressSettings } from "./settings";
import { answerBotpressConverse, answerBotpressLogin, verifyBotpressRequest } from "./webhook";

/**
 * Botpress v12's login and Converse API, as Business Messenger's "Botpress" integration type calls them
 * (docs/platforms/botpress.md): synchronous, like Business Messenger's custom adapter.
 */
export const botpress = definePlatform({
  id: BOTPRESS_PLATFORM,
  name: "Botpress",
  role: "channel",
  secrets: ["BOTPRESS_BOT_ID", "BOTPRESS_EMAIL", "BOTPRESS_PASSWORD"],
  settings: botpressSettings,
  localSecrets: BOTPRESS_LOCAL_DEFAULTS,
  endpoints: {
    login: {
      description: "Botpress v12 login (Business Messenger's Botpress URL is the API base, HttpApiUrl)",
      routes: ["POST /api/v1/auth/login/basic/default"],
      // No header credential (it is in the body); an unconfigured stage was already refused by the secrets guard.
      verify: () => {},
      handle: async (rt, event) => answerBotpressLogin(rt, event),
    },
    converse: {
      description: "Botpress v12 Converse API (secured and public routes, both need the login's token)",
      routes: ["POST /api/v1/bots/{botId}/converse/{userId}/secured", "POST /api/v1/bots/{botId}/converse/{userId}"],
      verify: (rt, event) => verifyBotpressRequest(rt, event),
      handle: async (rt, event) => json(200, await answerBotpressConverse(rt, event)),
    },
  },
});
