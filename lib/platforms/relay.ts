import type { OutboundMessage } from "../conversation";
import { logger } from "../log";
import type { Runtime } from "../runtime";
import type { Origin } from "../session/session";
import { relayToKommunicate } from "./kommunicate/relay";
import { relayToTwoWay } from "./twoway/deliver";
import { platformStreamKey } from "../session/keys";

/**
 * Delivering to a user outside a webhook's answer (an agent's message from LivePerson, a late answer):
 * one relay per platform that has an outbound channel. Synchronous-only platforms (Business Messenger,
 * Engage) have none; what cannot be delivered is recorded in the events table.
 */
export type Relay = (rt: Runtime, origin: Origin, messages: OutboundMessage[], ref: string) => Promise<void>;

/** One line per platform whose descriptor declares `outOfBand: "relay"` (test/platforms/registry.test.ts). */
export const RELAYS: Readonly<Record<string, Relay>> = {
  twoway: relayToTwoWay,
  kommunicate: relayToKommunicate,
};

export const canRelayTo = (platform: string) => Object.hasOwn(RELAYS, platform);

export async function relayToUser(rt: Runtime, origin: Origin, messages: OutboundMessage[], ref: string): Promise<void> {
  const relay = canRelayTo(origin.platform) ? RELAYS[origin.platform] : undefined;
  if (relay) return relay(rt, origin, messages, ref);
  logger.warn("no outbound channel to this platform: message recorded, not delivered", { platform: origin.platform, ref });
  await rt.events.record({ pk: platformStreamKey(origin.platform, "undelivered"), type: "relay.undelivered", platform: origin.platform, data: { ref, origin: { ...origin }, messages } }, rt.clock());
}
