import { endpointHandler } from "../lib/platforms/endpoint-handler";
import { liveperson } from "../lib/platforms/liveperson/platform";

export const handler = endpointHandler(liveperson, "webhook");
