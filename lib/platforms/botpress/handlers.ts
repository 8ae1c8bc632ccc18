import { json } from "../../http/responses";
import { webhookHandler } from "../../http/webhook";
import { runtime as defaultRuntime, type Runtime } from "../../runtime";
import { BOTPRESS_PLATFORM } from "./inbound";
import { botpressSettings, type BotpressSettings } from "./settings";
import { answerBotpressConverse, answerBotpressLogin, verifyBotpressLogin, verifyBotpressRequest } from "./webhook";

/**
 * The two Lambda handlers Botpress needs, on the shared webhook pipeline (correlation id, error mapping, raw body
 * and 1 MB limit, credential check first). One converse handler serves both routes:
 * - login:    POST /api/v1/auth/login/basic/default
 * - converse: POST /api/v1/bots/{botId}/converse/{userId}/secured and POST /api/v1/bots/{botId}/converse/{userId}
 * Tests pass their own runtime and settings; by default, the runtime's own.
 */
export function botpressHandlers(deps: { runtime?: () => Runtime; settings?: () => BotpressSettings } = {}) {
  const rt = deps.runtime ?? defaultRuntime;
  const settings = deps.settings ?? (() => botpressSettings(rt()));
  return {
    login: webhookHandler({
      platform: BOTPRESS_PLATFORM,
      verify: (event) => verifyBotpressLogin(rt(), event, settings()),
      handle: async (event) => answerBotpressLogin(rt(), event, settings()),
    }),
    converse: webhookHandler({
      platform: BOTPRESS_PLATFORM,
      verify: (event) => verifyBotpressRequest(rt(), event, settings()),
      handle: async (event) => json(200, await answerBotpressConverse(rt(), event, settings())),
    }),
  };
}
