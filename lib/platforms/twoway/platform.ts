import { empty } from "../../http/responses";
import { definePlatform } from "../platform";
import { TWOWAY_TURN } from "./reply-job";
import { acceptTwoWayMessages, recordTwoWayEvent, recordTwoWayHandover, verifyTwoWayRequest } from "./webhook";
import { TWOWAY_LOCAL_SECRETS, twowaySettings } from "./settings";

/** CM.com Conversational Router, TwoWay adapter: 201 at once, turns run as jobs, replies go to the outbound URL. */
export const twoway = definePlatform({
  id: "twoway",
  name: "TwoWay",
  role: "channel",
  secrets: ["TWOWAY_WEBHOOK_SECRET"],
  settings: twowaySettings,
  localSecrets: TWOWAY_LOCAL_SECRETS,
  endpoints: {
    messages: {
      description: "CM.com TwoWay adapter message endpoint (add header x-webhook-secret)",
      routes: ["POST /twoway/messages"],
      output: "TwoWayMessagesUrl",
      // Replies need somewhere to go: a deployed stage without them refuses, so the router offers the messages again later.
      requires: ["TWOWAY_OUTBOUND_URL", "CM_PRODUCT_TOKEN"],
      verify: verifyTwoWayRequest,
      handle: async (rt, event) => {
        await acceptTwoWayMessages(rt, event);
        return empty(201);
      },
    },
    handover: {
      description: "CM.com TwoWay adapter Hand Over endpoint (add header x-webhook-secret)",
      routes: ["POST /twoway/handover"],
      output: "TwoWayHandoverUrl",
      verify: verifyTwoWayRequest,
      handle: async (rt, event) => {
        await recordTwoWayHandover(rt, event.rawBody);
        return empty(200);
      },
    },
    events: {
      description: "CM.com TwoWay adapter Events endpoint (append ?secret=<TWOWAY_WEBHOOK_SECRET>)",
      routes: ["POST /twoway/events"],
      output: "TwoWayEventsUrl",
      verify: verifyTwoWayRequest,
      handle: async (rt, event) => {
        await recordTwoWayEvent(rt, event.rawBody);
        return empty(200);
      },
    },
  },
  jobKinds: [TWOWAY_TURN],
  outOfBand: "relay",
});
