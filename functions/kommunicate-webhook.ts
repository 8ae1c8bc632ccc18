import { endpointHandler } from "../app/endpoint-handler";
import { kommunicate } from "../lib/platforms/kommunicate/platform";

export const handler = endpointHandler(kommunicate, "webhook");
