/**
 * Kommunicate's only documented authentication: the request header configured in the dashboard
 * (docs/platforms/kommunicate.md §3). We require `$KOMMUNICATE_WEBHOOK_HEADER` to equal `KOMMUNICATE_WEBHOOK_SECRET`.
 */
import { header } from "../../http/headers";
import { secureEqual } from "../../http/secure-compare";

/**
 * True only when the named header (looked up case-insensitively) equals the secret, compared in
 * constant time. The value is compared as received, without trimming. An empty secret or header
 * name never verifies: an unconfigured stage must not accept a missing or empty header.
 */
export function verifyKommunicateHeader(
  event: { headers?: Record<string, string | undefined> },
  headerName: string,
  secret: string,
): boolean {
  if (!secret || !headerName) return false;
  return secureEqual(header({ headers: event.headers ?? {} }, headerName), secret);
}
