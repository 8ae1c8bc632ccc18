/**
 * The default branch of a switch that must handle every kind of a union:
 *   switch (m.type) { case "text": …; default: return assertNever(m); }
 * A kind added to the union and missing from the switch leaves `value` not `never`, so `tsc` fails here
 * instead of the kind being dropped silently. Reached at run time only by input that skipped validation.
 */
export function assertNever(value: never, what = "kind"): never {
  const tag = value !== null && typeof value === "object" ? ((value as { type?: unknown; kind?: unknown }).type ?? (value as { kind?: unknown }).kind) : value;
  throw new Error(`unhandled ${what}: ${String(tag)}`);
}
