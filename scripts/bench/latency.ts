import type { Prepared, Row, Scenario } from "./scenarios";
import type { Stack } from "./setup";
import { now, seeded } from "./stats";

/**
 * a) Warm turn latency, in-process: each function's exported handler called with an API Gateway (or SQS)
 * event, against the embedded store, beside the minimal handler fed the same event. Each iteration is a
 * NEW message in a conversation drawn from a pool (a mix of first contacts and ongoing conversations);
 * the two variants alternate which goes first, iteration by iteration, so drift and GC hit both alike.
 */
export interface LatencyOptions {
  warmup: number;
  iterations: number;
  conversations: number;
  seed: number;
  /** Stop measuring a scenario after this long even if `iterations` were not reached (the run's time budget). */
  maxSecondsPerScenario: number;
}

export interface LatencyResult {
  row: Row;
  ours: number[];
  minimal: number[];
  /** DynamoDB commands sent during the measured turns, per variant. */
  oursRequests: number;
  minimalRequests: number;
  /** Milliseconds inside the DynamoDB client, per measured turn, per variant. */
  oursStoreMs: number[];
  minimalStoreMs: number[];
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
    const byRow = new Map<string, LatencyResult>(scenario.rows.map((row) => [row.id, { row, ours: [], minimal: [], oursRequests: 0, minimalRequests: 0, oursStoreMs: [], minimalStoreMs: [] }]));
    const started = now();
    const deadline = started + options.maxSecondsPerScenario * 1000;
    for (let i = 0; i < options.warmup + options.iterations && now() < deadline; i++) {
      const measured = i >= options.warmup;
      const conv = Math.floor(random() * options.conversations);
      for (const step of scenario.next(conv)) {
        const result = byRow.get(step.row.id)!;
        const oursFirst = i % 2 === 0;
        for (const variant of oursFirst ? (["ours", "minimal"] as const) : (["minimal", "ours"] as const)) {
          const log = variant === "ours" ? stack.ours : stack.minimal.log;
          const call = step[variant]();
          const [before, storeBefore] = [log.total, log.ms];
          const elapsed = await timed(call);
          log.names.length = 0;
          if (!measured) continue;
          result[variant].push(elapsed);
          if (variant === "ours") {
            result.oursRequests += log.total - before;
            result.oursStoreMs.push(log.ms - storeBefore);
          } else {
            result.minimalRequests += log.total - before;
            result.minimalStoreMs.push(log.ms - storeBefore);
          }
        }
      }
    }
    results.push(...byRow.values());
    const measured = [...byRow.values()][0]!.ours.length;
    const capped = measured < options.iterations ? ` (time cap of ${options.maxSecondsPerScenario} s reached)` : "";
    progress(`latency: ${scenario.id}: ${measured} turns per variant in ${((now() - started) / 1000).toFixed(1)} s${capped}`);
  }
  return results;
}
