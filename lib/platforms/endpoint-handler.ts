import { webhookHandler } from "../http/webhook";
import { runtime, type Runtime } from "../runtime";
import type { Platform } from "./platform";
import { requireSettings } from "./secrets-guard";

/**
 * The Lambda handler of one endpoint of one platform: the shared webhook pipeline (correlation id, error
 * mapping, raw body and size, early timeout) with the secrets guard, the platform's credential check, then its
 * handling. `getRuntime` gives the runtime per request: the composition root passes its own (app/endpoint-handler.ts,
 * which the one-line function files use); by default it is the runtime installed with useRuntime(...) (tests).
 */
export function endpointHandler<P extends Platform>(platform: P, name: keyof P["endpoints"] & string, getRuntime: () => Runtime = () => runtime()) {
  const endpoint = platform.endpoints[name];
  if (!endpoint) throw new Error(`platform ${platform.id} has no endpoint "${name}"`);
  return webhookHandler({
    platform: platform.id,
    verify: (event) => {
      const rt = getRuntime();
      const stage = rt.settings.BOT_STAGE;
      const own = platform.settings(rt);
      requireSettings(own, stage, platform.name, platform.secrets, own.invalid);
      endpoint.verify(rt, event);
      // Only an authenticated caller learns what else the stage lacks. Locally these may stay unset (e.g. TwoWay's
      // outbound URL: replies are then recorded in the events table).
      if (!rt.settings.isLocal && endpoint.requires) requireSettings(own, stage, platform.name, endpoint.requires);
    },
    handle: (event) => endpoint.handle(getRuntime(), event),
  });
}
