import { createHmac, timingSafeEqual } from "node:crypto";
import { unauthorized } from "../../http/errors";
import { header } from "../../http/headers";
import type { WebhookEvent } from "../../http/middlewares";
import { secureEqual } from "../../http/secure-compare";
import type { LivePersonSettings } from "./settings";

/**
 * `x-liveperson-signature` = `<alg>=` + HMAC(key = LP_CLIENT_SECRET, raw body), base64 by default. The
 * algorithm and encoding are configuration, never taken from the request's prefix. Also checks
 * `x-liveperson-client-id` (and the account id header when LP_ACCOUNT_ID is set).
 */
export function signLivePersonBody(raw: Buffer | string, secret: string, algorithm: "sha1" | "sha256" = "sha1", encoding: "base64" | "hex" = "base64"): string {
  return `${algorithm}=${createHmac(algorithm, secret).update(raw).digest(encoding)}`;
}

export function verifyLivePersonRequest(settings: LivePersonSettings, event: WebhookEvent): void {
  const { LP_CLIENT_SECRET: secret, LP_CLIENT_ID: clientId, LP_ACCOUNT_ID: accountId } = settings;
  // Unset credentials were refused before, by the secrets guard; they never verify here either.
  if (!secret || !clientId) throw unauthorized("missing or invalid LivePerson signature or client id");
  const expected = Buffer.from(signLivePersonBody(event.rawBody, secret, settings.LP_SIGNATURE_ALGORITHM, settings.LP_SIGNATURE_ENCODING));
  const presented = Buffer.from(header(event, "x-liveperson-signature") ?? "");
  const signed = presented.length === expected.length && timingSafeEqual(presented, expected);
  const fromClient = secureEqual(header(event, "x-liveperson-client-id"), clientId);
  const fromAccount = !accountId || secureEqual(header(event, "x-liveperson-account-id"), accountId);
  if (!signed || !fromClient || !fromAccount) throw unauthorized("missing or invalid LivePerson signature or client id");
}
