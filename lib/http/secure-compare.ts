import { createHash, timingSafeEqual } from "node:crypto";

/**
 * Compares a presented credential with the expected one in constant time. Both are hashed first, so
 * neither the length nor the content leaks through timing, and a missing value is simply unequal.
 */
export function secureEqual(presented: string | undefined, expected: string): boolean {
  if (presented === undefined || expected.length === 0) return false;
  const digest = (value: string) => createHash("sha256").update(value, "utf8").digest();
  return timingSafeEqual(digest(presented), digest(expected));
}
