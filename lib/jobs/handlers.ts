import { deliverKommunicateLateReply, KOMMUNICATE_LATE_REPLY } from "../platforms/kommunicate/late-reply";
import { applyLivePersonChange, LIVEPERSON_CHANGE } from "../platforms/liveperson/change-job";
import { runTwoWayTurn, TWOWAY_TURN } from "../platforms/twoway/reply-job";
import type { JobHandler } from "./worker";

/** Every kind of out-of-band work, by job kind. A platform with async work adds its handler here. */
export const jobHandlers: Readonly<Record<string, JobHandler>> = {
  [KOMMUNICATE_LATE_REPLY]: deliverKommunicateLateReply,
  [TWOWAY_TURN]: runTwoWayTurn,
  [LIVEPERSON_CHANGE]: applyLivePersonChange,
};
