import type { PlatformJobs } from "../platform";
import { applyLivePersonChange, LIVEPERSON_CHANGE } from "./change-job";

/** liveperson's out-of-band work, by job kind (run by the job worker only). */
export const livepersonJobs: PlatformJobs = { [LIVEPERSON_CHANGE]: applyLivePersonChange };
