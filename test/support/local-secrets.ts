import { BOTPRESS_LOCAL_DEFAULTS } from "../../lib/platforms/botpress/settings";
import { BM_LOCAL_SECRETS } from "../../lib/platforms/business-messenger/settings";
import { ENGAGE_LOCAL_SECRETS } from "../../lib/platforms/engage/settings";
import { KOMMUNICATE_LOCAL_SECRETS } from "../../lib/platforms/kommunicate/settings";
import { TWOWAY_LOCAL_SECRETS } from "../../lib/platforms/twoway/settings";

/**
 * The local-stage defaults of every platform's secrets, typed (each platform's `settings.ts` owns its own):
 * what a test signs or authenticates with against a BOT_STAGE=local runtime or stack.
 */
export const localSecrets = { ...BM_LOCAL_SECRETS, ...ENGAGE_LOCAL_SECRETS, ...KOMMUNICATE_LOCAL_SECRETS, ...TWOWAY_LOCAL_SECRETS, ...BOTPRESS_LOCAL_DEFAULTS } as const;
