import { endpointHandler } from "../app/endpoint-handler";
import { twoway } from "../lib/platforms/twoway/platform";

export const handler = endpointHandler(twoway, "messages");
