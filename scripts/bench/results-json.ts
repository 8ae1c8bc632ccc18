/**
 * bench/results.json: every figure of a run as `{ name, value, unit, floor, ratio, target, met }`, so a script
 * can check them. A target is an upper bound: on `ratio` when the figure has a floor, else on `value`.
 * floor, ratio, target and met are null where they do not apply (met is null without a target, or when a
 * value is not a finite number).
 */
export interface Figure {
  name: string;
  value: number | null;
  unit: string;
  floor: number | null;
  ratio: number | null;
  target: number | null;
  met: boolean | null;
}

const finite = (x: number | null | undefined): number | null => (typeof x === "number" && Number.isFinite(x) ? x : null);
const round = (x: number | null, digits = 4): number | null => (x === null ? null : Number(x.toFixed(digits)));

export function figure(name: string, value: number, unit: string, options: { floor?: number | null; target?: number | null } = {}): Figure {
  const v = finite(value);
  const floor = finite(options.floor);
  const ratio = v !== null && floor !== null && floor !== 0 ? v / floor : null;
  const target = finite(options.target);
  const judged = floor !== null ? ratio : v;
  const met = target === null || judged === null ? null : judged <= target;
  return { name, value: round(v), unit, floor: round(floor), ratio: round(ratio), target, met };
}

const KEYS = ["name", "value", "unit", "floor", "ratio", "target", "met"] as const;

/** Throws unless `figures` is a list of well-formed figures with unique names (what a checking script may rely on). */
export function assertFigures(figures: unknown): asserts figures is Figure[] {
  if (!Array.isArray(figures)) throw new Error("results.json: not a list");
  const seen = new Set<string>();
  for (const f of figures as Array<Record<string, unknown>>) {
    const keys = Object.keys(f ?? {}).sort();
    if (keys.join() !== [...KEYS].sort().join()) throw new Error(`results.json: keys ${keys.join(",")} in ${JSON.stringify(f)}`);
    if (typeof f.name !== "string" || !f.name || seen.has(f.name)) throw new Error(`results.json: missing or repeated name ${String(f.name)}`);
    seen.add(f.name);
    if (typeof f.unit !== "string") throw new Error(`results.json: ${f.name}: unit`);
    for (const k of ["value", "floor", "ratio", "target"] as const) if (f[k] !== null && typeof f[k] !== "number") throw new Error(`results.json: ${f.name}: ${k}`);
    if (f.met !== null && typeof f.met !== "boolean") throw new Error(`results.json: ${f.name}: met`);
    if ((f.floor === null) !== (f.ratio === null) && f.value !== null) throw new Error(`results.json: ${f.name}: ratio without floor or floor without ratio`);
    if ((f.target === null) && f.met !== null) throw new Error(`results.json: ${f.name}: met without target`);
  }
}
