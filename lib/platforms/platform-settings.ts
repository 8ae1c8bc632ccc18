/**
 * A platform's own settings slice: its zod schema over the environment the runtime was made from (rt.env), so
 * lib/config.ts keeps only the core and a platform stays one folder. Like the core settings: blank = unset
 * (an empty variable or secret value), documented local defaults of its secrets on BOT_STAGE=local only, outside AWS Lambda.
 * Never throws: an invalid value is listed in `invalid` and the shared guard answers 503 naming it, never a 500.
 */
import * as z from "zod/mini";
import "../zod-locale";
import type { Runtime } from "../runtime";

/** What a slice is read from: a Runtime, or `npm start`'s environment before any runtime exists. */
export interface SettingsSource {
  env: Runtime["env"];
  settings: { isLocal: boolean };
}

/** A slice as read: its values, and what made it unusable (`NAME: reason`; empty when valid). */
export type SliceOf<T> = Readonly<T> & { readonly invalid: readonly string[] };

/** Reads a slice from a source; `names` are the settings it owns (a deployed stage's secret of this platform holds them). */
export type SliceReader<T> = ((source: SettingsSource) => SliceOf<T>) & { readonly names: readonly string[] };

export interface SettingsSlice<T> {
  /** The slice of this runtime (read once per runtime, then cached with it). */
  read: SliceReader<T>;
  /** Local defaults of its secrets, for `npm start`'s table, the stack file and the tests. */
  localSecrets: Readonly<Record<string, string>>;
}

/** Every field of `schema` must accept a missing value (optional or defaulted): an invalid one is dropped to it. */
export function defineSettings<S extends z.ZodMiniObject, L extends Readonly<Record<string, string>>>(schema: S, localSecrets: L): SettingsSlice<z.infer<S>> {
  type T = z.infer<S>;
  const names = Object.keys(schema.shape);
  const cache = new WeakMap<SettingsSource, SliceOf<T>>();
  const parse = (source: SettingsSource): SliceOf<T> => {
    const picked: Record<string, string | undefined> = Object.fromEntries(names.map((name) => [name, source.env[name] === "" ? undefined : source.env[name]]));
    if (source.settings.isLocal) for (const [name, value] of Object.entries(localSecrets)) picked[name] ??= value;
    const parsed = schema.safeParse(picked);
    if (parsed.success) return { ...(parsed.data as T), invalid: [] };
    const invalid = parsed.error.issues.map((i) => `${i.path.join(".")}: ${i.message}`);
    // The invalid values fall back to unset/default so the rest stays readable; the guard refuses the requests anyway.
    const bad = new Set(parsed.error.issues.map((i) => String(i.path[0])));
    const rest = Object.fromEntries(Object.entries(picked).filter(([name]) => !bad.has(name)));
    return { ...(schema.parse(rest) as T), invalid };
  };
  const read = (source: SettingsSource): SliceOf<T> => {
    let slice = cache.get(source);
    if (!slice) cache.set(source, (slice = parse(source)));
    return slice;
  };
  return { localSecrets, read: Object.assign(read, { names }) };
}

/** The core settings' field helper, for the slices too. */
export { intFrom } from "../config";
