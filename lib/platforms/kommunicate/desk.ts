import type { Turn } from "../../conversation";
import type { DeskAction } from "../../engine/human-desk";
import { logger } from "../../log";
import type { Runtime } from "../../runtime";
import { kommunicateSettings } from "./settings";
import { LIVEPERSON, livePersonConfigured, livePersonHold } from "../liveperson/settings";

export const KOMMUNICATE_DESK = "kommunicate.desk";

/** The desk a Kommunicate handover goes to, as the webhook needs it: its id and idle timeout (no LivePerson code). */
export interface DeskChoice {
  id: typeof LIVEPERSON;
  idleMs: number;
}

/**
 * Kommunicate's human side: its own agents (`KM_ASSIGN_TO`, the default) or, with KOMMUNICATE_HUMAN_DESK=liveperson,
 * LivePerson's. LivePerson's agents answer out of band, so their messages need Kommunicate's Platform API
 * (KOMMUNICATE_API_KEY); without it, or without LivePerson's credentials, Kommunicate's own handover is used and
 * the misconfiguration is logged.
 */
export function kommunicateDesk(rt: Runtime): DeskChoice | undefined {
  const { KOMMUNICATE_HUMAN_DESK, KOMMUNICATE_API_KEY } = kommunicateSettings(rt);
  if (KOMMUNICATE_HUMAN_DESK !== LIVEPERSON) return undefined;
  // LivePerson's settings module only: this webhook's bundle never carries the LivePerson client.
  const livePerson = livePersonConfigured(rt);
  if (!KOMMUNICATE_API_KEY || !livePerson) {
    const missing = [!KOMMUNICATE_API_KEY && "KOMMUNICATE_API_KEY", !livePerson && "LP_ACCOUNT_ID/LP_CLIENT_ID/LP_CLIENT_SECRET"].filter(Boolean);
    logger.error(`KOMMUNICATE_HUMAN_DESK=liveperson needs ${missing.join(" and ")}: Kommunicate's own handover (KM_ASSIGN_TO) is used`);
    return undefined;
  }
  return { id: LIVEPERSON, idleMs: livePersonHold(rt) };
}

/**
 * The desk's work for a Kommunicate turn, as a job: the webhook answers Kommunicate at once and never waits on
 * LivePerson (nor carries its client in its bundle); the worker talks to the desk, in the conversation's order.
 */
export interface KommunicateDeskPayload extends Record<string, unknown> {
  turn: Turn;
  actions: DeskAction[];
  botId?: string;
}
