import type { Turn } from "../conversation";
import type { Origin, Session } from "../session/session";
import type { TurnOptions, TurnOutcome } from "./run-turn";

/**
 * A human agents' desk behind a handover (LivePerson today), as any platform that can reach its users out of
 * band uses it. The desk knows nothing of the platform: it gets the conversation's origin when it opens, and its
 * agents' messages reach the user through the platform's relay (lib/platforms/relay.ts).
 */
export interface HumanDesk {
  /** The handover target the engine records (`handover.target`), e.g. "liveperson". */
  readonly id: string;
  /** A human's hold ends after this long with no message either way; each user message extends it. */
  readonly idleMs: number;
  /** Opens a desk conversation with the transcript so far (idempotent: an open one is left as it is). */
  open(turn: Turn, session: Session, origin: Origin): Promise<void>;
  /** The user's message to the open desk conversation, while the bot is silent. */
  forward(session: Session, turn: Turn): Promise<void>;
  /** Closes the desk conversation (the user's side ended, or the hold timed out) and forgets it. */
  close(platform: string, conversationId: string, session: Session, reason: string): Promise<void>;
}

/** What a turn needs to know of the desk: human holds extend with each user message, with no fixed quiet period. */
export const deskTurnOptions = (desk: Pick<HumanDesk, "idleMs"> | undefined): Pick<TurnOptions, "extendHumanHoldMs"> =>
  desk ? { extendHumanHoldMs: desk.idleMs } : {};

/** What the desk must do after a turn. Pure, so a platform may run it inline (TwoWay's job) or queue it (Kommunicate). */
export type DeskAction = "forward" | "close" | "open";

/**
 * The one control path between a turn and the desk, the same for every platform:
 * - a human holds it and a desk conversation is open → "forward" the message (the bot answers nothing);
 * - the desk's hold timed out with this turn → "close" the desk conversation (the bot answered already);
 * - the bot handed over → "open" a desk conversation (before the platform sends the bot's last words).
 */
export function deskActions(deskId: string, outcome: TurnOutcome): DeskAction[] {
  const { session } = outcome;
  if (outcome.messages.length === 0 && session.handover.status === "human" && session.human?.conversationId) return ["forward"];
  return [
    ...(outcome.kind === "answered" && outcome.released?.target === deskId && session.human ? (["close"] as const) : []),
    ...(outcome.applied.handover ? (["open"] as const) : []),
  ];
}

/** Runs the actions in their order against the session as it is now. */
export async function runDeskActions(desk: HumanDesk, actions: readonly DeskAction[], turn: Turn, session: Session, origin: Origin): Promise<void> {
  for (const action of actions) {
    if (action === "forward") await desk.forward(session, turn);
    else if (action === "close") await desk.close(turn.platform, turn.conversationId, session, "idle timeout");
    else await desk.open(turn, session, origin);
  }
}

/** deskActions then runDeskActions, inline: "forwarded" when the message went to the desk (nothing to send). */
export async function followDesk(desk: HumanDesk, turn: Turn, outcome: TurnOutcome, origin: Origin): Promise<"forwarded" | "answer"> {
  const actions = deskActions(desk.id, outcome);
  await runDeskActions(desk, actions, turn, outcome.session, origin);
  return actions.includes("forward") ? "forwarded" : "answer";
}
