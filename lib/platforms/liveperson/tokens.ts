/**
 * The AppJWT cache: one token per (CSDS base, account, client id) in module scope, so a warm
 * Lambda reuses it across invocations and client instances. A token is refreshed when < 60 s remain.
 */

export const APP_JWT_LIFETIME_MS = 60 * 60 * 1000;
export const APP_JWT_REFRESH_MARGIN_MS = 60 * 1000;

export interface IssuedAppJwt {
  token: string;
  /** Epoch ms. */
  expiresAt: number;
}

interface CacheEntry {
  value?: IssuedAppJwt;
  /** A fetch in flight: concurrent callers share it. */
  pending?: Promise<IssuedAppJwt>;
}

const cache = new Map<string, CacheEntry>();

export function resetAppJwtCache(): void {
  cache.clear();
}

export const appJwtKey = (csdsUrl: string, accountId: string, clientId: string): string =>
  JSON.stringify([csdsUrl, accountId, clientId]);

/** `exp` of a JWT's payload in epoch ms, or undefined when the token is not a JWT with a numeric `exp`. */
export function jwtExpiry(token: string): number | undefined {
  const payload = token.split(".")[1];
  if (token.split(".").length !== 3 || !payload) return undefined;
  try {
    const claims: unknown = JSON.parse(Buffer.from(payload, "base64url").toString("utf8"));
    if (typeof claims === "object" && claims !== null && "exp" in claims && typeof claims.exp === "number") return claims.exp * 1000;
  } catch {
    // not a JWT: fall through
  }
  return undefined;
}

/** When a freshly issued token expires: its `exp`, else `expires_in` seconds, else LP's documented 60 min. */
export function appJwtExpiresAt(token: string, expiresInSeconds: number | undefined, now: number): number {
  const exp = jwtExpiry(token);
  if (exp !== undefined) return exp;
  if (expiresInSeconds !== undefined && Number.isFinite(expiresInSeconds) && expiresInSeconds > 0) return now + expiresInSeconds * 1000;
  return now + APP_JWT_LIFETIME_MS;
}

/** The cached token while > 60 s remain, else the result of `issue` (one fetch shared by concurrent callers). */
export async function cachedAppJwt(key: string, now: number, issue: () => Promise<IssuedAppJwt>): Promise<string> {
  const entry = cache.get(key) ?? {};
  if (entry.value && entry.value.expiresAt - now >= APP_JWT_REFRESH_MARGIN_MS) return entry.value.token;
  if (!entry.pending) {
    const pending = issue();
    entry.pending = pending;
    cache.set(key, entry);
    const settle = (value?: IssuedAppJwt) => {
      if (entry.pending !== pending) return;
      entry.pending = undefined;
      if (value) entry.value = value;
    };
    pending.then(settle, () => settle());
  }
  return (await entry.pending).token;
}

/** Forget `token` after LP rejected it (401 40102/40105/40001); a newer token someone else fetched stays. */
export function dropAppJwt(key: string, token: string): void {
  const entry = cache.get(key);
  if (entry?.value?.token === token) entry.value = undefined;
}
