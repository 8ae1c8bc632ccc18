import { endpointHandler } from "../app/endpoint-handler";
import { businessMessenger } from "../lib/platforms/business-messenger/platform";

export const handler = endpointHandler(businessMessenger, "debug");
