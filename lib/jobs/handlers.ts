import { kommunicateJobs } from "../platforms/kommunicate/jobs";
import { livepersonJobs } from "../platforms/liveperson/jobs";
import type { PlatformJobs } from "../platforms/platform";
import { twowayJobs } from "../platforms/twoway/jobs";
import type { JobHandler } from "./worker";

/**
 * Every kind of out-of-band work, by job kind: the `jobs.ts` of each platform that has some, one line each. Only
 * the job worker imports this. A platform's descriptor names its kinds (`jobKinds`); test/platforms/registry.test.ts
 * fails when one has no handler here.
 */
const ALL: readonly PlatformJobs[] = [kommunicateJobs, twowayJobs, livepersonJobs];

export const jobHandlers: Readonly<Record<string, JobHandler>> = Object.freeze(Object.assign({}, ...ALL) as Record<string, JobHandler>);
