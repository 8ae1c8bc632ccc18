import { endpointHandler } from "../lib/platforms/endpoint-handler";
import { botpress } from "../lib/platforms/botpress/platform";

export const handler = endpointHandler(botpress, "login");
