import { DEFAULT_CHAIN, FLOOR, medianLoad, type BundleResult } from "./bundles";
import { CAPACITY_TURNS, meanUnits, sessionItemUnits, SIZE_AT, type CapacityResult } from "./capacity-run";
import { TARGETS, type LatencySummary } from "./report";
import type { CountResult } from "./request-count";
import { figure, type Figure } from "./results-json";

/** Capacity targets per turn, averaged over a 40-turn conversation (the cost-and-speed issue). */
export const CAPACITY_TARGETS: Record<string, { write: number; read: number | null }> = { scripted: { write: 2, read: 1 }, ai: { write: 3, read: null } };

/** Every figure of the run for bench/results.json, the same ones bench/results.md shows and judges. */
export function collectFigures(input: { latency: LatencySummary[]; counts: CountResult[]; bundles: BundleResult[]; capacity: CapacityResult; runSeconds: number; budgetSeconds: number }): Figure[] {
  const out: Figure[] = [];
  for (const s of input.latency) {
    const id = s.result.row.id;
    // Judged against the floor of the same item size where the store work is the same; the 1 KB floor is reported.
    const target = s.comparable ? TARGETS.latencyRatio : null;
    out.push(figure(`latency.${id}.p50`, s.oursP50, "ms", { floor: s.minP50, target }));
    out.push(figure(`latency.${id}.p99`, s.oursP99, "ms", { floor: s.minP99, target }));
    out.push(figure(`latency.${id}.p50_vs_1kb_floor`, s.oursP50, "ms", { floor: s.min1kP50 }));
    out.push(figure(`latency.${id}.p99_vs_1kb_floor`, s.oursP99, "ms", { floor: s.min1kP99 }));
  }
  for (const c of input.counts) {
    const id = c.label.toLowerCase().replace(/[^a-z0-9]+/g, "-").replace(/^-|-$/g, "");
    out.push(figure(`requests.${id}.new_turn`, c.newTurn.length, "requests", { target: c.informative ? null : TARGETS.newTurnRequests }));
    out.push(figure(`requests.${id}.duplicate`, c.duplicate.length, "requests", { target: c.informative ? null : TARGETS.duplicateRequests }));
  }
  const floor = input.bundles.find((b) => b.name === FLOOR)!;
  out.push(figure("bundle.floor.size", floor.bytes, "bytes"));
  out.push(figure("bundle.floor.load", medianLoad(floor), "ms"));
  for (const b of input.bundles.filter((x) => x !== floor)) {
    const name = b.name === DEFAULT_CHAIN ? "default-chain-reference" : b.name;
    const reference = b.name === DEFAULT_CHAIN;
    out.push(figure(`bundle.${name}.size`, b.bytes, "bytes", { floor: floor.bytes, target: reference ? null : TARGETS.bundleVsFloor }));
    out.push(figure(`bundle.${name}.size_max`, b.bytes, "bytes", { target: reference ? null : TARGETS.bundleMaxBytes }));
    out.push(figure(`bundle.${name}.load`, medianLoad(b), "ms", { floor: medianLoad(floor), target: reference ? null : TARGETS.loadVsFloor }));
  }
  for (const c of input.capacity.conversations) {
    const t = CAPACITY_TARGETS[c.name] ?? { write: null, read: null };
    const mean = meanUnits(c.turns, "reported");
    const long = meanUnits(c.turns, "reported", c.turns.length - CAPACITY_TURNS, c.turns.length);
    out.push(figure(`capacity.${c.name}.write_units_per_turn`, mean.write, "WCU", { target: t.write }));
    out.push(figure(`capacity.${c.name}.read_units_per_turn`, mean.read, "RCU", { target: t.read }));
    const own = meanUnits(c.turns, "without bot items");
    out.push(figure(`capacity.${c.name}.write_units_per_turn_without_bot_items`, own.write, "WCU", { target: t.write }));
    out.push(figure(`capacity.${c.name}.read_units_per_turn_without_bot_items`, own.read, "RCU", { target: t.read }));
    for (const table of ["sessions", "events"]) {
      const u = meanUnits(c.turns, "reported", 0, CAPACITY_TURNS, table);
      out.push(figure(`capacity.${c.name}.${table}_table_write_units_per_turn`, u.write, "WCU"));
      out.push(figure(`capacity.${c.name}.${table}_table_read_units_per_turn`, u.read, "RCU"));
    }
    const item = sessionItemUnits(c.turns);
    out.push(figure(`capacity.${c.name}.session_item_write_units_per_turn`, item.write, "WCU"));
    out.push(figure(`capacity.${c.name}.session_item_read_units_per_turn`, item.read, "RCU"));
    out.push(figure(`capacity.${c.name}.write_units_per_turn_long_run`, long.write, "WCU"));
    out.push(figure(`capacity.${c.name}.read_units_per_turn_long_run`, long.read, "RCU"));
    for (const at of SIZE_AT) out.push(figure(`capacity.${c.name}.item_bytes_turn_${at}`, c.turns[at - 1]?.itemBytes ?? NaN, "bytes"));
  }
  out.push(figure("bench.run_time", input.runSeconds, "s", { target: input.budgetSeconds }));
  return out;
}
