/**
 * LivePerson domain discovery (CSDS): which host serves each LP service for an account.
 * The answers are cached in module scope so a warm Lambda asks once every few hours.
 */

/** The LP services the connector uses (`swift` is the file store, unused for now). */
export type LivePersonServiceName = "sentinel" | "idp" | "asyncMessagingEnt" | "swift";

export const DOMAIN_TTL_MS = 6 * 60 * 60 * 1000;

interface CachedDomain {
  /** In flight or settled: concurrent callers share one lookup. */
  origin: Promise<string>;
  expiresAt: number;
}

const cache = new Map<string, CachedDomain>();

export function resetDomainCache(): void {
  cache.clear();
}

/** `GET {csds}/api/account/{acc}/service/{name}/baseURI.json?version=1.0` */
export function csdsLookupUrl(csdsUrl: string, accountId: string, service: LivePersonServiceName): string {
  return `${csdsUrl.replace(/\/+$/, "")}/api/account/${encodeURIComponent(accountId)}/service/${service}/baseURI.json?version=1.0`;
}

/**
 * The origin for a `baseURI` (a bare host[:port]): the scheme is the one of `LP_CSDS_URL`, so a local
 * stand-in on http serves every service and production stays on https.
 */
export function originFor(csdsUrl: string, baseUri: string): string {
  const host = baseUri.trim().replace(/\/+$/, "");
  if (/^https?:\/\//i.test(host)) return host;
  return `${new URL(csdsUrl).protocol}//${host}`;
}

/**
 * The origin of `service`, from the cache when it is younger than 6 h, else from `lookup` (which returns
 * the `baseURI`). A failed lookup is not cached.
 */
export function serviceOrigin(
  csdsUrl: string,
  accountId: string,
  service: LivePersonServiceName,
  now: number,
  lookup: () => Promise<string>,
): Promise<string> {
  const key = JSON.stringify([csdsUrl, accountId, service]);
  const hit = cache.get(key);
  if (hit && hit.expiresAt > now) return hit.origin;
  const origin = lookup().then((baseUri) => originFor(csdsUrl, baseUri));
  const entry: CachedDomain = { origin, expiresAt: now + DOMAIN_TTL_MS };
  cache.set(key, entry);
  origin.catch(() => {
    if (cache.get(key) === entry) cache.delete(key);
  });
  return origin;
}
