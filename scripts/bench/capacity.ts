import type { AttributeValue } from "@aws-sdk/client-dynamodb";

/**
 * DynamoDB's item size and capacity arithmetic, for items as the wire carries them (marshalled). Used to
 * pad the floor's item to ours and to cross-check the ConsumedCapacity the store reports.
 * - size: attribute names in UTF-8 bytes plus each value (strings UTF-8 bytes, binary its bytes, numbers
 *   1 byte per two significant digits plus 1, booleans and null 1, lists and maps 3 plus 1 per element);
 * - a write costs 1 unit per started KB of the larger of the old and the new item;
 * - a strongly consistent read 1 unit per started 4 KB (an eventually consistent one half of that).
 */
const utf8 = (s: string) => Buffer.byteLength(s, "utf8");

function numberBytes(n: string): number {
  const digits = n.replace(/^[-+]/, "").replace(/[eE].*$/, "").replace(".", "").replace(/^0+/, "").replace(/0+$/, "");
  return Math.ceil(Math.max(1, digits.length) / 2) + 1;
}

function valueBytes(v: AttributeValue): number {
  if (v.S !== undefined) return utf8(v.S);
  if (v.N !== undefined) return numberBytes(v.N);
  if (v.B !== undefined) return v.B.byteLength;
  if (v.BOOL !== undefined || v.NULL !== undefined) return 1;
  if (v.SS !== undefined) return v.SS.reduce((a, s) => a + utf8(s), 0);
  if (v.NS !== undefined) return v.NS.reduce((a, n) => a + numberBytes(n), 0);
  if (v.BS !== undefined) return v.BS.reduce((a, b) => a + b.byteLength, 0);
  if (v.L !== undefined) return 3 + v.L.reduce((a, e) => a + 1 + valueBytes(e), 0);
  if (v.M !== undefined) return 3 + Object.entries(v.M).reduce((a, [k, e]) => a + 1 + utf8(k) + valueBytes(e), 0);
  return 0;
}

export function itemBytes(item: Record<string, AttributeValue>): number {
  return Object.entries(item).reduce((a, [name, v]) => a + utf8(name) + valueBytes(v), 0);
}

export const writeUnits = (newBytes: number, oldBytes = 0) => Math.max(1, Math.ceil(Math.max(newBytes, oldBytes) / 1024));
export const readUnits = (bytes: number, consistent = true) => Math.max(1, Math.ceil(bytes / 4096)) / (consistent ? 1 : 2);

/** The attribute added to pad an item to a size; its name counts too. */
export const PAD = "pad";

/** `item` plus a pad attribute bringing it to `target` bytes (as is when already that large). */
export function padTo(item: Record<string, AttributeValue>, target: number): Record<string, AttributeValue> {
  const missing = target - itemBytes(item) - PAD.length;
  return missing > 0 ? { ...item, [PAD]: { S: "x".repeat(missing) } } : item;
}
