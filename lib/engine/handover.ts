import type { HandoverRequest } from "../conversation";
import { assertNever } from "../conversation/exhaustive";
import type { HandoverState, Session } from "../session/session";

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

/** A change that hands the conversation to a human: from the bot, or a new hold replacing one that ended. */
export const handedToHuman = (before: HandoverState, after: HandoverState): boolean =>
  after.status === "human" && (before.status !== "human" || after.since !== before.since);

/**
 * Everything outside a bot's reply that changes who holds a conversation: a platform's own handover signal (TwoWay's
 * router), a desk opening or closing its conversation, the desk extending the hold (a survey), the user's side
 * ending. The only place besides the turn itself that writes `handover`, so the state has one owner.
 */
export type HandoverEvent =
  | { kind: "to-human"; reason?: string; target?: string; holdMs?: number }
  | { kind: "to-bot" }
  | { kind: "extend-hold"; holdMs: number }
  | { kind: "session-ended" };

export function applyHandoverEvent(session: Session, event: HandoverEvent, now: number): Session {
  const current = session.handover;
  switch (event.kind) {
    case "to-human": {
      // A hold that is already on keeps its start and reason: the desk opening confirms the bot's handover.
      const held = current.status === "human" ? current : undefined;
      const reason = event.reason ?? held?.reason;
      return {
        ...session,
        handover: {
          status: "human",
          since: held?.since ?? now,
          ...(event.holdMs !== undefined ? { until: now + event.holdMs } : {}),
          ...(reason ? { reason } : {}),
          ...(event.target ? { target: event.target } : {}),
        },
      };
    }
    case "to-bot":
      return { ...session, handover: { status: "bot" } };
    case "extend-hold":
      return current.status === "human" ? { ...session, handover: { ...current, until: now + event.holdMs } } : session;
    case "session-ended": {
      // The dialog is over: the next message starts from the bot's first state.
      const { state: _closed, lastSuggestions: _offered, ...rest } = session;
      return { ...rest, handover: { status: "bot" } };
    }
    default:
      return assertNever(event);
  }
}
