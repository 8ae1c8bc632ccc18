import type { Turn } from "../../conversation";
import { runTurn } from "../../engine/run-turn";
import type { JobHandler } from "../../jobs/worker";
import { logger } from "../../log";
import type { Runtime } from "../../runtime";
import { TwoWayClient, TwoWayRejectedError } from "./client";
import { renderTwoWay, type TwoWayChatRef } from "./render";

export const TWOWAY_TURN = "twoway.turn";

export interface TwoWayTurnPayload extends Record<string, unknown> {
  turn: Turn;
  chat: TwoWayChatRef;
}

const eventKey = (chatId: string) => `conv#twoway#${chatId}`;
const client = (rt: Runtime, token: string) => new TwoWayClient(token, { retryDelaysMs: rt.settings.TWOWAY_RETRY_DELAYS_MS });

/**
 * One TwoWay message, out of band: the turn through the engine, then the reply POSTed to the outbound URL.
 * A retry of this job after a failed delivery finds the turn recorded (a duplicate, one read) and delivers
 * the recorded answer; so a reply is sent once even if the outbound endpoint failed before.
 */
export const runTwoWayTurn: JobHandler = async (rt, payload) => {
  const { turn, chat } = payload as TwoWayTurnPayload;
  const outcome = await runTurn(turn, rt.engine, {
    numberedOptions: (messages) => renderTwoWay(messages, chat).numberedOptions.map(({ text, postback }) => ({ text, postback })),
  });
  if (outcome.kind === "silent") return;

  const { body, degradations } = renderTwoWay(outcome.messages, chat);
  if (degradations.length) logger.info("reply adapted for TwoWay", { degradations });
  if (body.conversationMessages.length) await deliver(rt, turn, body);
  if (outcome.applied.handover) await requestRouterHandover(rt, turn, chat);
};

async function deliver(rt: Runtime, turn: Turn, body: ReturnType<typeof renderTwoWay>["body"]): Promise<void> {
  const { TWOWAY_OUTBOUND_URL: url, CM_PRODUCT_TOKEN: token } = rt.settings;
  if (!url || !token) {
    // Only the local stage gets here (deployed stages refuse messages without outbound settings).
    logger.warn("TWOWAY_OUTBOUND_URL is not set: reply recorded in the events table, not sent");
    await rt.events.record({ pk: eventKey(turn.conversationId), type: "twoway.reply_not_sent", platform: "twoway", conversationId: turn.conversationId, data: { messageId: turn.messageId, body } }, rt.clock());
    return;
  }
  try {
    await client(rt, token).sendReply(url, body);
    logger.info("reply delivered to the TwoWay outbound URL", { messages: body.conversationMessages.length });
  } catch (err) {
    if (!(err instanceof TwoWayRejectedError)) throw err; // transient: the job is retried, then dead-lettered
    logger.error("CM refused the reply; not retried", { status: err.status });
    await rt.events.record({ pk: eventKey(turn.conversationId), type: "twoway.reply_rejected", platform: "twoway", conversationId: turn.conversationId, data: { messageId: turn.messageId, status: err.status, detail: err.detail, body } }, rt.clock());
  }
}

/**
 * The bot's own handover: with the adapter ids configured, ask routing control to disable the
 * channel → bot rule and enable channel → agent; otherwise the CM ruleset must react by itself (README).
 */
async function requestRouterHandover(rt: Runtime, turn: Turn, chat: TwoWayChatRef): Promise<void> {
  const { TWOWAY_CHANNEL_ADAPTER_ID: channel, TWOWAY_BOT_ADAPTER_ID: bot, TWOWAY_AGENT_ADAPTER_ID: agent, CM_PRODUCT_TOKEN: token } = rt.settings;
  if (!channel || !bot || !agent || !token) {
    logger.info("bot handover marked in the session; no routing-control adapter ids set, so CM's ruleset decides the routing");
    return;
  }
  const rule = (action: "Enable" | "Disable", target: string) => ({ $type: "ruleMutation", action, operator: "And", sourceAdapterId: channel, targetAdapterId: target });
  const body = { ChatId: chat.id, Mutations: [rule("Disable", bot), rule("Enable", agent)], Context: { owner: "human", reason: "user-request" } };
  try {
    await client(rt, token).requestRouting(rt.settings.TWOWAY_CONTROL_URL, chat.accountId, chat.id, body);
    logger.info("routing-control handover requested", { conversationId: turn.conversationId });
  } catch (err) {
    // Not rethrown: a job retry would deliver the (already delivered) reply again. A person can act on the event.
    logger.error("routing-control handover failed", { error: String(err) });
    await rt.events.record({ pk: eventKey(turn.conversationId), type: "twoway.handover_request_failed", platform: "twoway", conversationId: turn.conversationId, data: { error: String(err) } }, rt.clock());
  }
}
