import type { Turn } from "../../conversation";
import { jobTimeLeft } from "../../jobs/deadline";
import type { JobHandler } from "../../jobs/worker";
import { logger } from "../../log";
import { KommunicateClient } from "./client";
import { runKommunicateDeskActions } from "./desk-job";
import { kommunicateAnswer, runKommunicateTurn } from "./turn";
import { deliveryKey, sessionKey } from "../../session/keys";
import { kommunicateSettings } from "./settings";

export const KOMMUNICATE_LATE_REPLY = "kommunicate.late-reply";

export interface LateReplyPayload extends Record<string, unknown> {
  turn: Turn;
  botId?: string;
}

/**
 * A turn that missed the webhook's budget (the user got the holding message). Runs the turn to its end:
 * if the webhook's own run already recorded it, this is a duplicate and costs one read. Then delivers the
 * answer through the Platform API when KOMMUNICATE_API_KEY is set; either way it is recorded in the
 * session (processed answers) and in the events table, never lost.
 * The API takes one bubble per call: after each accepted bubble the progress is recorded, so a retry of
 * this job resumes after the bubbles already shown instead of repeating them. Once every bubble is accepted,
 * failing to record that is logged, not retried (a retry would only push the answer again).
 * Each bubble's request is cut to the job's deadline (KommunicateClient.send); a bubble with no time left waits for the next receive.
 */
export const deliverKommunicateLateReply: JobHandler = async (rt, payload) => {
  const { turn, botId } = payload as LateReplyPayload;
  // Out of band the webhook's budget no longer applies: an AI answer gets its own full timeout.
  const outcome = await runKommunicateTurn(rt, turn, rt.clock() + Math.min(rt.settings.AI_TIMEOUT_MS, jobTimeLeft()));
  // Already in the worker: the desk's work (forward, close, open) runs here, before the answer is pushed.
  if (outcome.deskActions.length) await runKommunicateDeskActions(rt, { turn, actions: outcome.deskActions, ...(botId ? { botId } : {}) }, { attempt: 1 });
  const { messages } = kommunicateAnswer(outcome);
  const { KOMMUNICATE_API_KEY: apiKey, KOMMUNICATE_API_BASE: apiBase } = kommunicateSettings(rt);
  if (apiKey && messages.length) {
    const client = new KommunicateClient(apiBase, apiKey);
    const progress = deliveryKey("kommunicate", turn.conversationId, turn.messageId);
    for (let part = await rt.events.deliveredParts(progress); part < messages.length; part++) {
      await client.send(turn.conversationId, messages[part]!, botId);
      // Best effort: if this write fails, a later failure would repeat this one bubble, nothing more.
      await rt.events.markDelivered(progress, part + 1, rt.clock()).catch((err: unknown) => logger.warn("delivery progress not recorded", { error: String(err) }));
    }
  }
  const delivered = Boolean(apiKey) && messages.length > 0;
  const recorded = rt.events.record(
    {
      pk: sessionKey("kommunicate", turn.conversationId),
      type: delivered ? "kommunicate.late_reply_sent" : "kommunicate.late_reply_recorded",
      platform: "kommunicate",
      conversationId: turn.conversationId,
      data: { messageId: turn.messageId, messages },
    },
    rt.clock(),
  );
  if (delivered) {
    await recorded.catch((err: unknown) => logger.error("late answer delivered, but not recorded in the events table", { error: String(err), messageId: turn.messageId }));
  } else {
    await recorded;
  }
  if (!delivered && messages.length) {
    logger.warn("late Kommunicate answer recorded but not pushed: set KOMMUNICATE_API_KEY to deliver late answers", { messageId: turn.messageId });
  }
};
