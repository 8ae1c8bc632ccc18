import type { OutboundMessage } from "../conversation";

const PLACEHOLDER = /\{([A-Za-z_][A-Za-z0-9_-]*)\.([A-Za-z_][A-Za-z0-9_-]*)\}/g;

/**
 * Fills `{namespace.key}` in every string of the messages from the (just merged) session, as Engage
 * does. Unknown placeholders stay as written, so a typo shows instead of vanishing.
 */
export function fillPlaceholders(
  messages: OutboundMessage[],
  namespaces: Record<string, Record<string, unknown>>,
): OutboundMessage[] {
  const fill = (value: unknown): unknown => {
    if (typeof value === "string") {
      return value.replace(PLACEHOLDER, (whole, ns: string, key: string) => {
        const found = Object.hasOwn(namespaces, ns) && Object.hasOwn(namespaces[ns]!, key) ? namespaces[ns]![key] : undefined;
        return found === undefined || found === null ? whole : typeof found === "object" ? JSON.stringify(found) : String(found);
      });
    }
    if (Array.isArray(value)) return value.map(fill);
    if (value && typeof value === "object") {
      return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, fill(v)]));
    }
    return value;
  };
  return messages.map((m) => fill(m) as OutboundMessage);
}
