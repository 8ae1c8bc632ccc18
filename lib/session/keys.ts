import { createHash } from "node:crypto";

/**
 * A caller's id as part of a DynamoDB key: as it is when short (readable in the console), else its SHA-256,
 * so a key built of several ids stays far below DynamoDB's 2048 bytes (counted in UTF-8 bytes).
 */
export function keyPart(id: string, maxBytes = 256): string {
  return Buffer.byteLength(id) <= maxBytes ? id : `sha256:${createHash("sha256").update(id).digest("hex")}`;
}
