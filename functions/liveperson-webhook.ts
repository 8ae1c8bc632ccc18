import { endpointHandler } from "../app/endpoint-handler";
import { liveperson } from "../lib/platforms/liveperson/platform";

export const handler = endpointHandler(liveperson, "webhook");
