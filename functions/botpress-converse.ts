import { endpointHandler } from "../app/endpoint-handler";
import { botpress } from "../lib/platforms/botpress/platform";

export const handler = endpointHandler(botpress, "converse");
