import { SessionUpdate } from "../conversation";
import { InvalidSessionUpdateError } from "./errors";

const MAX_NAMESPACES_BYTES = 32_000;

/**
 * Merges an Engage-style session update into the namespaces, per key (other keys and namespaces stay).
 * Refuses reserved or malformed names (`__proto__`, `constructor`, dotted keys) and oversized data,
 * so a session cannot be polluted or grow past its budget.
 */
export function mergeNamespace(
  namespaces: Record<string, Record<string, unknown>>,
  update: unknown,
): Record<string, Record<string, unknown>> {
  const parsed = SessionUpdate.safeParse(update);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new InvalidSessionUpdateError(`session update refused: ${where}`);
  }
  // JSON.parse(JSON.stringify()) cannot revive __proto__ as a prototype: keys were validated above.
  const { namespace, data } = parsed.data;
  const merged = { ...namespaces, [namespace]: { ...(namespaces[namespace] ?? {}), ...data } };
  if (Buffer.byteLength(JSON.stringify(merged)) > MAX_NAMESPACES_BYTES) {
    throw new InvalidSessionUpdateError(`session namespaces would exceed ${MAX_NAMESPACES_BYTES} bytes`);
  }
  return merged;
}
