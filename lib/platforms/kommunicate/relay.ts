import type { OutboundMessage } from "../../conversation";
import { logger } from "../../log";
import type { Runtime } from "../../runtime";
import type { Origin } from "../../session/session";
import { KommunicateClient } from "./client";
import { renderKommunicate } from "./render";
import { sessionKey } from "../../session/keys";
import { kommunicateSettings } from "./settings";

/** Relay to a Kommunicate conversation through the Platform API (needs KOMMUNICATE_API_KEY); else recorded. */
export async function relayToKommunicate(rt: Runtime, origin: Origin, messages: OutboundMessage[], ref: string): Promise<void> {
  const groupId = String(origin.groupId);
  const { messages: rendered } = renderKommunicate(messages);
  const { KOMMUNICATE_API_KEY: apiKey, KOMMUNICATE_API_BASE: apiBase } = kommunicateSettings(rt);
  if (!apiKey) {
    logger.warn("KOMMUNICATE_API_KEY is not set: message recorded, not pushed", { ref });
    await rt.events.record({ pk: sessionKey("kommunicate", groupId), type: "kommunicate.relay_recorded", platform: "kommunicate", conversationId: groupId, data: { ref, messages: rendered } }, rt.clock());
    return;
  }
  const client = new KommunicateClient(apiBase, apiKey);
  for (const message of rendered) await client.send(groupId, message, typeof origin.botId === "string" ? origin.botId : undefined);
}
