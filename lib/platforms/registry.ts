import { botpress } from "./botpress/platform";
import { businessMessenger } from "./business-messenger/platform";
import { engage } from "./engage/platform";
import { kommunicate } from "./kommunicate/platform";
import { liveperson } from "./liveperson/platform";
import type { Platform } from "./platform";
import { twoway } from "./twoway/platform";

/**
 * Every platform, one line each. The deployment's function list (infra/functions.js), `npm start`, the tools and
 * the tests read this; each function's bundle imports its own platform alone, and the job worker only the jobs
 * (lib/jobs/handlers.ts).
 */
export const platforms: readonly Platform[] = [businessMessenger, engage, kommunicate, twoway, liveperson, botpress];
