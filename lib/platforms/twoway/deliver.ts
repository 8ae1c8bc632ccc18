import type { OutboundMessage } from "../../conversation";
import { fitRetries } from "../../jobs/deadline";
import { logger } from "../../log";
import type { Runtime } from "../../runtime";
import type { Origin } from "../../session/session";
import { CM_TIMEOUT_MS, TwoWayClient, TwoWayRejectedError } from "./client";
import { renderTwoWay, type TwoWayChatRef, type TwoWayRenderResult } from "./render";
import { sessionKey } from "../../session/keys";
import { twowaySettings } from "./settings";

/** Inside a job, the attempts and their timeouts are cut to the job's deadline (none fits: JobDeadlineError). */
export const twoWayClient = (rt: Runtime, token: string) =>
  new TwoWayClient(token, fitRetries({ timeoutMs: CM_TIMEOUT_MS, retryDelaysMs: twowaySettings(rt).TWOWAY_RETRY_DELAYS_MS }, "a POST to CM"));
const eventKey = (chatId: string) => sessionKey("twoway", chatId);

/**
 * POSTs a rendered reply for a TwoWay chat to the outbound URL. Transient failures throw (the job
 * is retried, then dead-lettered); a refusal (4xx) is recorded and not retried. `ref` names what is sent
 * (a message id, an agent message) in the events.
 */
export async function deliverTwoWay(rt: Runtime, chat: TwoWayChatRef, rendered: TwoWayRenderResult, ref: string): Promise<void> {
  const { body, degradations } = rendered;
  if (degradations.length) logger.info("reply adapted for TwoWay", { degradations });
  if (!body.conversationMessages.length) return;
  const { TWOWAY_OUTBOUND_URL: url, CM_PRODUCT_TOKEN: token } = twowaySettings(rt);
  const record = (type: string, data: Record<string, unknown>) =>
    rt.events.record({ pk: eventKey(chat.id), type, platform: "twoway", conversationId: chat.id, data: { ref, ...data, body } }, rt.clock());
  if (!url || !token) {
    // Only the local stage gets here (deployed stages refuse messages without outbound settings).
    logger.warn("TWOWAY_OUTBOUND_URL is not set: reply recorded in the events table, not sent");
    await record("twoway.reply_not_sent", {});
    return;
  }
  try {
    await twoWayClient(rt, token).sendReply(url, body);
    logger.info("delivered to the TwoWay outbound URL", { ref, messages: body.conversationMessages.length });
  } catch (err) {
    if (!(err instanceof TwoWayRejectedError)) throw err;
    logger.error("CM refused the reply; not retried", { status: err.status });
    await record("twoway.reply_rejected", { status: err.status, detail: err.detail });
  }
}

/** Relay (e.g. a LivePerson agent's message) to a user whose origin is a TwoWay chat. */
export function relayToTwoWay(rt: Runtime, origin: Origin, messages: OutboundMessage[], ref: string): Promise<void> {
  const chat = origin.chat as TwoWayChatRef;
  return deliverTwoWay(rt, chat, renderTwoWay(messages, chat), ref);
}
