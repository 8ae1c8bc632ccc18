import { runDeskActions } from "../../engine/human-desk";
import type { JobHandler } from "../../jobs/worker";
import { logger } from "../../log";
import { deliveryKey } from "../../session/keys";
import { livePersonDesk } from "../liveperson/bridge";
import type { KommunicateDeskPayload } from "./desk";

/**
 * Runs a Kommunicate turn's desk actions (forward, close, open) against the session as it is now, once: a
 * progress record (the webhook's dedupe id, `<message>:desk`) keeps a rerun from forwarding to the agent again.
 */
export const runKommunicateDeskActions: JobHandler = async (rt, payload) => {
  const { turn, actions, botId } = payload as KommunicateDeskPayload;
  const progress = deliveryKey("kommunicate", turn.conversationId, `${turn.messageId}:desk`);
  if ((await rt.events.deliveredParts(progress)) > 0) return logger.info("Kommunicate desk actions run by an earlier try: not run again", { actions });
  const desk = livePersonDesk(rt);
  if (!desk) return logger.error("LivePerson is no longer configured: Kommunicate desk actions dropped", { actions });
  const session = await rt.sessions.load(turn.platform, turn.conversationId, rt.clock());
  if (!session) return logger.warn("Kommunicate conversation gone: desk actions dropped", { actions });
  // Where the desk's agents reach the user: the Platform API's conversation (relayToKommunicate).
  const origin = { platform: "kommunicate", groupId: turn.conversationId, ...(botId ? { botId } : {}) };
  await runDeskActions(desk, actions, turn, session, origin);
  await rt.events.markDelivered(progress, 1, rt.clock()).catch((err: unknown) => logger.warn("desk progress not recorded", { error: String(err) }));
};
