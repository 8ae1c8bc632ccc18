import type { PlatformJobs } from "../platform";
import { KOMMUNICATE_DESK } from "./desk";
import { runKommunicateDeskActions } from "./desk-job";
import { deliverKommunicateLateReply, KOMMUNICATE_LATE_REPLY } from "./late-reply";

/** kommunicate's out-of-band work, by job kind (run by the job worker only). */
export const kommunicateJobs: PlatformJobs = { [KOMMUNICATE_LATE_REPLY]: deliverKommunicateLateReply, [KOMMUNICATE_DESK]: runKommunicateDeskActions };
