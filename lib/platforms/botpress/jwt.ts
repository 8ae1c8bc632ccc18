/**
 * The login's token (docs/platforms/botpress.md §2, §4): an HS256 JWT made with node:crypto. We only ever
 * verify tokens we issued, with one algorithm, so ~50 lines replace a JWT library (no new dependency in every
 * bundle, and no algorithm picked from the token's header: the whole header segment must be ours).
 */
import { createHmac, scryptSync, timingSafeEqual } from "node:crypto";
import type { BotpressConfig } from "./settings";

/** v12's default `jwtToken.duration` (1 h); its login answers it in milliseconds as `payload.exp`. */
export const TOKEN_LIFETIME_MS = 3_600_000;
/** v12 signs login tokens of the "default" strategy for this audience and checks it on /secured. */
const TOKEN_AUDIENCE = "collaborators";
const TOKEN_ISSUER = "onebot-botpress";
/** A token issued this far "in the future" is still taken (clocks of warm Lambdas drift a little). */
const CLOCK_SKEW_S = 60;
/** Far longer than any token we issue: a bigger header is not one of ours, and is not hashed. */
const MAX_TOKEN_LENGTH = 4_096;

const HEADER = base64url(JSON.stringify({ alg: "HS256", typ: "JWT" }));

function base64url(data: string | Buffer): string {
  return Buffer.from(data).toString("base64url");
}

export interface TokenClaims {
  email: string;
  strategy: "default";
  aud: string;
  iss: string;
  iat: number;
  exp: number;
}

let derived: { from: string; key: Buffer } | undefined;

/**
 * The signing key: BOTPRESS_JWT_SECRET when set; else derived from the password with scrypt and a fixed label,
 * so the three settings Business Messenger knows suffice, a new password revokes every token, and a leaked
 * token cannot be used to guess the password offline at HMAC speed. Derived once per warm Lambda.
 */
export function signingKey(config: Pick<BotpressConfig, "password" | "jwtSecret" | "email">): Buffer {
  if (config.jwtSecret) return Buffer.from(config.jwtSecret, "utf8");
  const from = `${config.email}\u0000${config.password}`;
  if (derived?.from !== from) {
    const salt = `onebot/botpress/jwt/v1/${config.email.toLowerCase()}`;
    derived = { from, key: scryptSync(config.password, salt, 32, { N: 16_384, r: 8, p: 1 }) };
  }
  return derived.key;
}

function sign(input: string, key: Buffer): Buffer {
  return createHmac("sha256", key).update(input, "utf8").digest();
}

/** A token for the configured account, valid TOKEN_LIFETIME_MS from `now` (epoch ms). */
export function issueToken(config: Pick<BotpressConfig, "password" | "jwtSecret" | "email">, now: number): string {
  const iat = Math.floor(now / 1000);
  const claims: TokenClaims = {
    email: config.email.toLowerCase(),
    strategy: "default",
    aud: TOKEN_AUDIENCE,
    iss: TOKEN_ISSUER,
    iat,
    exp: iat + TOKEN_LIFETIME_MS / 1000,
  };
  const body = `${HEADER}.${base64url(JSON.stringify(claims))}`;
  return `${body}.${base64url(sign(body, signingKey(config)))}`;
}

export type TokenCheck = { ok: true; claims: TokenClaims } | { ok: false; reason: string };

/**
 * Checks a token we issued: our exact header, the HMAC in constant time, then audience, issuer, account and
 * time. The reason is for the 401's message and the log; it never reveals the key or the expected values.
 */
export function verifyToken(token: string, config: Pick<BotpressConfig, "password" | "jwtSecret" | "email">, now: number): TokenCheck {
  const invalid = { ok: false as const, reason: "Invalid authentication token" };
  if (token.length > MAX_TOKEN_LENGTH) return invalid;
  const parts = token.split(".");
  if (parts.length !== 3) return invalid;
  const [header, payload, signature] = parts as [string, string, string];
  if (header !== HEADER) return invalid;
  // Compared as text: Node's base64url decoder skips stray characters, so decoded bytes could match a mangled token.
  const expected = Buffer.from(base64url(sign(`${header}.${payload}`, signingKey(config))), "utf8");
  const given = Buffer.from(signature, "utf8");
  // Lengths differ only for a forged signature, and a valid signature's length is no secret.
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) return invalid;

  let claims: Partial<TokenClaims>;
  try {
    claims = JSON.parse(Buffer.from(payload, "base64url").toString("utf8")) as Partial<TokenClaims>;
  } catch {
    return invalid;
  }
  if (claims.aud !== TOKEN_AUDIENCE || claims.iss !== TOKEN_ISSUER) return invalid;
  // A token of an earlier account (the email changed) is not this account's.
  if (claims.email !== config.email.toLowerCase()) return invalid;
  const seconds = now / 1000;
  if (typeof claims.exp !== "number" || typeof claims.iat !== "number") return invalid;
  if (claims.iat > seconds + CLOCK_SKEW_S) return invalid;
  if (claims.exp <= seconds) return { ok: false, reason: "Authentication token expired" };
  return { ok: true, claims: claims as TokenClaims };
}
