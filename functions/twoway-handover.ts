import { endpointHandler } from "../lib/platforms/endpoint-handler";
import { twoway } from "../lib/platforms/twoway/platform";

export const handler = endpointHandler(twoway, "handover");
