/**
 * X-BM-Signature check (docs/platforms/business-messenger.md §3). The vendor says "SHA-512, base64" without publishing the
 * function; we adopt base64(HMAC-SHA512(key, raw body)) and offer the PHP-style
 * base64(hex digest) as a configurable alternative.
 */
import { createHmac, timingSafeEqual } from "node:crypto";

export type BmSignatureEncoding = "base64" | "hex-base64";

/** The signature BM would send for these exact bytes (tests and the chat simulator sign with it). */
export function signBmBody(rawBody: Buffer | string, key: string, encoding: BmSignatureEncoding = "base64"): string {
  const bytes = typeof rawBody === "string" ? Buffer.from(rawBody, "utf8") : rawBody;
  const mac = createHmac("sha512", Buffer.from(key, "utf8")).update(bytes);
  return encoding === "base64" ? mac.digest("base64") : Buffer.from(mac.digest("hex"), "utf8").toString("base64");
}

/**
 * Constant-time check of the header against the raw body. Hash the bytes as received, before
 * any JSON parser touches them. An empty key never verifies: anyone could compute that HMAC.
 */
export function verifyBmSignature(
  rawBody: Buffer,
  header: string | undefined,
  key: string,
  encoding: BmSignatureEncoding,
): boolean {
  if (!header || !key) return false;
  const expected = Buffer.from(signBmBody(rawBody, key, encoding), "utf8");
  const given = Buffer.from(header.trim(), "utf8");
  // timingSafeEqual throws on unequal lengths; the length of a valid signature is no secret.
  return given.length === expected.length && timingSafeEqual(given, expected);
}
