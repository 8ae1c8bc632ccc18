import { logger } from "../../log";
import type { Runtime } from "../../runtime";
import { twoWayClient } from "./deliver";
import type { TwoWayChatRef } from "./render";
import { sessionKey } from "../../session/keys";
import { twowaySettings } from "./settings";

/**
 * The bot's own handover through CM: with the adapter ids configured, ask routing control to disable the
 * channel → bot rule and enable channel → agent; otherwise the CM ruleset must react by itself (README).
 * Failures are recorded, not thrown: a job retry would deliver the (already delivered) reply again.
 */
export async function requestRouterHandover(rt: Runtime, chat: TwoWayChatRef): Promise<void> {
  const { TWOWAY_CHANNEL_ADAPTER_ID: channel, TWOWAY_BOT_ADAPTER_ID: bot, TWOWAY_AGENT_ADAPTER_ID: agent, CM_PRODUCT_TOKEN: token, TWOWAY_CONTROL_URL: controlUrl } = twowaySettings(rt);
  if (!channel || !bot || !agent || !token) {
    logger.info("bot handover marked in the session; no routing-control adapter ids set, so CM's ruleset decides the routing");
    return;
  }
  const rule = (action: "Enable" | "Disable", target: string) => ({ $type: "ruleMutation", action, operator: "And", sourceAdapterId: channel, targetAdapterId: target });
  const body = { ChatId: chat.id, Mutations: [rule("Disable", bot), rule("Enable", agent)], Context: { owner: "human", reason: "user-request" } };
  try {
    await twoWayClient(rt, token).requestRouting(controlUrl, chat.accountId, chat.id, body);
    logger.info("routing-control handover requested");
  } catch (err) {
    logger.error("routing-control handover failed", { error: String(err) });
    await rt.events.record({ pk: sessionKey("twoway", chat.id), type: "twoway.handover_request_failed", platform: "twoway", conversationId: chat.id, data: { error: String(err) } }, rt.clock());
  }
}
