import type { HandoverRequest } from "../conversation";
import type { HandoverState } from "../session/session";

/**
 * The handover state machine: bot → human (on a BotReply handover) → bot (when the platform hands
 * back, or when the quiet period of a platform without a hand-back signal ends).
 */
export function startHandover(request: HandoverRequest, now: number, quietMs: number | undefined): HandoverState {
  return {
    status: "human",
    since: now,
    ...(quietMs !== undefined ? { until: now + quietMs } : {}),
    ...(request.reason ? { reason: request.reason } : {}),
    ...(request.target ? { target: request.target } : {}),
  };
}

/** The state as of `now`: a human hold whose `until` has passed is back with the bot. */
export function currentHandover(state: HandoverState, now: number): HandoverState {
  return state.status === "human" && state.until !== undefined && state.until <= now ? { status: "bot" } : state;
}

export const withHuman = (state: HandoverState): boolean => state.status === "human";
