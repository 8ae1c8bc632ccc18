import { SessionUpdate } from "../conversation";
import { InvalidSessionUpdateError } from "./errors";
import "../zod-locale";

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
  const reserved = reservedKeyIn(update);
  if (reserved) throw new InvalidSessionUpdateError(`session update refused: "${reserved}" is a reserved name`);
  const parsed = SessionUpdate.safeParse(update);
  if (!parsed.success) {
    const where = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`).join("; ");
    throw new InvalidSessionUpdateError(`session update refused: ${where}`);
  }
  const { namespace, data } = parsed.data;
  const merged = { ...namespaces, [namespace]: { ...(namespaces[namespace] ?? {}), ...data } };
  if (Buffer.byteLength(JSON.stringify(merged)) > MAX_NAMESPACES_BYTES) {
    throw new InvalidSessionUpdateError(`session namespaces would exceed ${MAX_NAMESPACES_BYTES} bytes`);
  }
  return merged;
}

const RESERVED = ["__proto__", "constructor", "prototype"];

/** zod quietly drops an own `__proto__` key (as JSON.parse makes one); refuse it explicitly instead. */
function reservedKeyIn(update: unknown): string | undefined {
  if (!update || typeof update !== "object") return undefined;
  const { namespace, data } = update as { namespace?: unknown; data?: unknown };
  if (typeof namespace === "string" && RESERVED.includes(namespace)) return namespace;
  if (!data || typeof data !== "object") return undefined;
  return Object.keys(data).find((k) => RESERVED.includes(k));
}
