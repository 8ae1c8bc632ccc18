import type { Prepared, Row, Scenario } from "./scenarios";
import type { Stack } from "./setup";
import { now, seeded } from "./stats";

/**
 * a) Warm turn latency, in-process: each function's exported handler called with an API Gateway (or SQS)
 * event, against the embedded store, beside the minimal handler fed the same event. Each iteration is a
 * NEW message in a conversation drawn from a pool (a mix of first contacts and ongoing conversations).
 * Two floors get the same event: the minimal handler with its item padded to the size of ours in the same
 * conversation (the size ours wrote at this turn when ours went first, else at its previous turn), and the
 * minimal handler with a 1 KB item. The three rotate which goes first, iteration by iteration, so drift and
 * GC hit all alike.
 */
export interface LatencyOptions {
  warmup: number;
  iterations: number;
  conversations: number;
  seed: number;
  /** Stop measuring a scenario after this long even if `iterations` were not reached (the run's time budget). */
  maxSecondsPerScenario: number;
}

export const FLOOR_1K_BYTES = 1024;
export const VARIANTS = ["ours", "minimal", "minimal1k"] as const;
export type Variant = (typeof VARIANTS)[number];

export interface VariantSamples {
  ms: number[];
  /** DynamoDB commands sent during the measured turns. */
  requests: number;
  /** Milliseconds inside the DynamoDB client, per measured turn. */
  storeMs: number[];
  /** Bytes of the session item written per measured turn that wrote one (the floors: the size padded to). */
  itemBytes: number[];
}

export interface LatencyResult {
  row: Row;
  ours: VariantSamples;
  minimal: VariantSamples;
  minimal1k: VariantSamples;
}

async function timed(call: Prepared): Promise<number> {
  const t0 = now();
  const result = await call.run();
  const elapsed = now() - t0;
  call.check(result);
  return elapsed;
}

export async function measureLatency(stack: Stack, scenarios: Scenario[], options: LatencyOptions, progress: (line: string) => void): Promise<LatencyResult[]> {
  const results: LatencyResult[] = [];
  for (const [index, scenario] of scenarios.entries()) {
    const random = seeded(options.seed + index);
    const samples = (): VariantSamples => ({ ms: [], requests: 0, storeMs: [], itemBytes: [] });
    const byRow = new Map<string, LatencyResult>(scenario.rows.map((row) => [row.id, { row, ours: samples(), minimal: samples(), minimal1k: samples() }]));
    // The size of ours' session item per row and conversation, as last written.
    const oursSize = new Map<string, number>();
    const started = now();
    const deadline = started + options.maxSecondsPerScenario * 1000;
    for (let i = 0; i < options.warmup + options.iterations && now() < deadline; i++) {
      const measured = i >= options.warmup;
      const conv = Math.floor(random() * options.conversations);
      for (const step of scenario.next(conv)) {
        const result = byRow.get(step.row.id)!;
        const sizeKey = `${step.row.id}:${conv}`;
        for (let k = 0; k < VARIANTS.length; k++) {
          const variant = VARIANTS[(i + k) % VARIANTS.length]!;
          const log = variant === "ours" ? stack.ours : stack.minimal.log;
          if (variant === "ours") stack.oursItems.last = 0;
          else {
            stack.minimal.prefix = variant;
            stack.minimal.padTo = variant === "minimal1k" ? FLOOR_1K_BYTES : (oursSize.get(sizeKey) ?? 0);
          }
          const call = variant === "ours" ? step.ours() : step.minimal();
          const [before, storeBefore] = [log.total, log.ms];
          const elapsed = await timed(call);
          log.names.length = 0;
          const written = variant === "ours" ? stack.oursItems.last : stack.minimal.padTo;
          if (variant === "ours" && written > 0) oursSize.set(sizeKey, written);
          if (!measured) continue;
          const v = result[variant];
          v.ms.push(elapsed);
          v.requests += log.total - before;
          v.storeMs.push(log.ms - storeBefore);
          if (written > 0) v.itemBytes.push(written);
        }
      }
    }
    results.push(...byRow.values());
    stack.minimal.prefix = "minimal";
    stack.minimal.padTo = 0;
    const measured = [...byRow.values()][0]!.ours.ms.length;
    const capped = measured < options.iterations ? ` (time cap of ${options.maxSecondsPerScenario} s reached)` : "";
    progress(`latency: ${scenario.id}: ${measured} turns per variant in ${((now() - started) / 1000).toFixed(1)} s${capped}`);
  }
  return results;
}
