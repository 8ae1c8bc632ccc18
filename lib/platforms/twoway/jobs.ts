import type { PlatformJobs } from "../platform";
import { runTwoWayTurn, TWOWAY_TURN } from "./reply-job";

/** twoway's out-of-band work, by job kind (run by the job worker only). */
export const twowayJobs: PlatformJobs = { [TWOWAY_TURN]: runTwoWayTurn };
