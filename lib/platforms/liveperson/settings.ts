/**
 * LivePerson's own settings slice (lib/platforms/platform-settings.ts): LP_* of the environment. Its own module,
 * free of the client: the platforms that hand over to LivePerson (Kommunicate's desk choice, TwoWay) read whether it
 * is configured from here without carrying the Connector API client in their bundles.
 */
import * as z from "zod/mini";
import { logger } from "../../log";
import { defineSettings, intFrom, type SettingsSource } from "../platform-settings";

/** LivePerson's platform id, which is also its desk id and handover target. */
export const LIVEPERSON = "liveperson";

/** No local defaults: LivePerson is off until its account and client are set (then handovers go to it). */
export const LIVEPERSON_LOCAL_SECRETS = {} as const;

export const LivePersonSettings = z.object({
  /** LivePerson as the human side of a handover (configured when account, client id and secret are set). */
  LP_ACCOUNT_ID: z.optional(z.string()),
  LP_CLIENT_ID: z.optional(z.string()),
  LP_CLIENT_SECRET: z.optional(z.string()),
  LP_SKILL_ID: z.optional(z.string()),
  LP_CSDS_URL: z._default(z.url(), "https://api.liveperson.net"),
  /** The webhook signature LP is set to send: `sha1`/`base64` unless the account was switched. Never chosen by the request. */
  LP_SIGNATURE_ALGORITHM: z._default(z.enum(["sha1", "sha256"]), "sha1"),
  LP_SIGNATURE_ENCODING: z._default(z.enum(["base64", "hex"]), "base64"),
  /** A LivePerson conversation with no message either way for this long is closed and the bot takes over again. */
  LP_IDLE_TIMEOUT_MINUTES: intFrom(60),
});

export type LivePersonSettings = ReturnType<typeof livepersonSettings>;

export const livepersonSettings = defineSettings(LivePersonSettings, LIVEPERSON_LOCAL_SECRETS).read;

/** The idle timeout as an engine option: each message either way during the hold extends it. */
export const livePersonHold = (rt: SettingsSource): number => livepersonSettings(rt).LP_IDLE_TIMEOUT_MINUTES * 60_000;

/** LivePerson takes handovers when its account, client id and secret are all set (and valid). */
export function livePersonConfigured(rt: SettingsSource): boolean {
  const { LP_ACCOUNT_ID, LP_CLIENT_ID, LP_CLIENT_SECRET, invalid } = livepersonSettings(rt);
  const set = Boolean(LP_ACCOUNT_ID && LP_CLIENT_ID && LP_CLIENT_SECRET);
  // Never a handover to a LivePerson reached with a value dropped to its default (e.g. another CSDS).
  if (set && invalid.length) logger.error(`LivePerson settings invalid (${invalid.join("; ")}): no handover to LivePerson`);
  return set && !invalid.length;
}
