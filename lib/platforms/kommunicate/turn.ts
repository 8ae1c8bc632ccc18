import type { Turn } from "../../conversation";
import { runTurn, type TurnOutcome } from "../../engine/run-turn";
import type { Runtime } from "../../runtime";
import { renderKommunicate, type KommunicateMessage } from "./render";

/** One Kommunicate turn through the engine, and its answer array (with KM_ASSIGN_TO on a handover). */
export function runKommunicateTurn(rt: Runtime, turn: Turn, deadline = turn.receivedAt + rt.settings.KOMMUNICATE_REPLY_BUDGET_MS - 500): Promise<TurnOutcome> {
  return runTurn(turn, rt.engine, {
    handoverQuietMs: rt.settings.HANDOVER_QUIET_MINUTES * 60_000,
    // An AI answer must be back (or fall back) before the webhook's budget sends the holding message.
    deadline,
  });
}

export function kommunicateAnswer(outcome: TurnOutcome): { messages: KommunicateMessage[]; degradations: string[] } {
  const handover = outcome.applied.handover;
  return renderKommunicate(outcome.messages, handover ? { handover: handover.target ? { target: handover.target } : {} } : {});
}
