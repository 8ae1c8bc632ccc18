/**
 * What each Engage channel can show (docs/platforms/engage.md §8), keyed by Engage's `internal.channel` value,
 * compared case-insensitively. A channel missing from the table, or no channel at all, renders
 * everything natively.
 */

export interface EngageChannelProfile {
  /** `carousel` messages; false → cards are sent as text blocks. */
  readonly carousel: boolean;
  /** `quickReplies` messages; false → they are sent as postback `buttons` (capped). */
  readonly quickReplies: boolean;
}

const NATIVE: EngageChannelProfile = { carousel: true, quickReplies: true };

export const ENGAGE_CHANNEL_PROFILES: Readonly<Record<string, EngageChannelProfile>> = {
  web: NATIVE,
  webhook: NATIVE,
  sinchconversationapi: NATIVE,
  zendesk: NATIVE,
  workplace: NATIVE,
  // Quick replies on WhatsApp need approved templates; carousel is not supported.
  whatsapp: { carousel: false, quickReplies: false },
  // Carousel is deprecated on Messenger.
  facebook: { carousel: false, quickReplies: true },
  messenger: { carousel: false, quickReplies: true },
};

export interface ResolvedEngageChannel {
  /** Lower-cased, trimmed channel name, or undefined when none was given. */
  readonly name: string | undefined;
  readonly profile: EngageChannelProfile;
}

export function resolveEngageChannel(channel: string | undefined): ResolvedEngageChannel {
  const name = channel?.trim().toLowerCase() || undefined;
  const known = name !== undefined && Object.hasOwn(ENGAGE_CHANNEL_PROFILES, name);
  const profile = (known ? ENGAGE_CHANNEL_PROFILES[name] : undefined) ?? NATIVE;
  return { name, profile };
}
