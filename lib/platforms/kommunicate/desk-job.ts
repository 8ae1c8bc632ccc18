import { runDeskActions } from "../../engine/human-desk";
import type { JobHandler } from "../../jobs/worker";
import { logger } from "../../log";
import { livePersonDesk } from "../liveperson/bridge";
import type { KommunicateDeskPayload } from "./desk";

/** Runs a Kommunicate turn's desk actions (forward, close, open) against the session as it is now. */
export const runKommunicateDeskActions: JobHandler = async (rt, payload) => {
  const { turn, actions, botId } = payload as KommunicateDeskPayload;
  const desk = livePersonDesk(rt);
  if (!desk) return logger.error("LivePerson is no longer configured: Kommunicate desk actions dropped", { actions });
  const session = await rt.sessions.load(turn.platform, turn.conversationId, rt.clock());
  if (!session) return logger.warn("Kommunicate conversation gone: desk actions dropped", { actions });
  // Where the desk's agents reach the user: the Platform API's conversation (relayToKommunicate).
  const origin = { platform: "kommunicate", groupId: turn.conversationId, ...(botId ? { botId } : {}) };
  await runDeskActions(desk, actions, turn, session, origin);
};
