import type { Turn } from "../../conversation";
import { deskActions, deskTurnOptions, type DeskAction } from "../../engine/human-desk";
import { runTurn, type TurnOutcome } from "../../engine/run-turn";
import type { Runtime } from "../../runtime";
import { kommunicateDesk, type DeskChoice } from "./desk";
import { renderKommunicate, type KommunicateMessage } from "./render";
import { kommunicateSettings } from "./settings";

export interface KommunicateTurn {
  outcome: TurnOutcome;
  /** The external desk (LivePerson) when one is chosen; else Kommunicate's own agents take handovers. */
  desk?: DeskChoice;
  /** What the desk must do for this turn (forward, close, open): the webhook queues it, a job runs it. */
  deskActions: DeskAction[];
  /** The message went to the desk's agent: the bot answers nothing. */
  forwarded: boolean;
}

/**
 * One Kommunicate turn through the engine, and what an external desk must do for it (its caller runs that); without
 * a desk, a handover is Kommunicate's own (KM_ASSIGN_TO), quiet for HANDOVER_QUIET_MINUTES.
 */
export async function runKommunicateTurn(
  rt: Runtime,
  turn: Turn,
  deadline = turn.receivedAt + kommunicateSettings(rt).KOMMUNICATE_REPLY_BUDGET_MS - 500,
): Promise<KommunicateTurn> {
  const desk = kommunicateDesk(rt);
  const outcome = await runTurn(turn, rt.engine, {
    ...(desk ? deskTurnOptions(desk) : { handoverQuietMs: rt.settings.HANDOVER_QUIET_MINUTES * 60_000 }),
    // An AI answer must be back (or fall back) before the webhook's budget sends the holding message.
    deadline,
  });
  if (!desk) return { outcome, deskActions: [], forwarded: false };
  const actions = deskActions(desk.id, outcome);
  return { outcome, desk, deskActions: actions, forwarded: actions.includes("forward") };
}

/** The answer array: nothing when the message went to the desk; KM_ASSIGN_TO on a handover to Kommunicate's agents. */
export function kommunicateAnswer({ outcome, desk, forwarded }: KommunicateTurn): { messages: KommunicateMessage[]; degradations: string[] } {
  if (forwarded) return { messages: [], degradations: [] };
  const handover = desk ? undefined : outcome.applied.handover;
  return renderKommunicate(outcome.messages, handover ? { handover: handover.target ? { target: handover.target } : {} } : {});
}
