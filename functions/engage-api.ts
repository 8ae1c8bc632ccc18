import { endpointHandler } from "../app/endpoint-handler";
import { engage } from "../lib/platforms/engage/platform";

export const handler = endpointHandler(engage, "api");
