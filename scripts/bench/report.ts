import { execFileSync } from "node:child_process";
import { arch, availableParallelism, cpus, loadavg, platform } from "node:os";
import { DEFAULT_CHAIN, FLOOR, medianLoad, type BundleResult } from "./bundles";
import type { LatencyResult, VariantSamples } from "./latency";
import type { CountResult } from "./request-count";
import { kb, ms, percentile, ratio } from "./stats";
import type { ThroughputRow } from "./throughput";

/** Markdown for bench/results.md (and the console): environment, the four tables, one line per target. */
export const TARGETS = { latencyRatio: 1.3, newTurnRequests: 2, duplicateRequests: 1, bundleVsFloor: 1.5, loadVsFloor: 1.25, bundleMaxBytes: 500_000 } as const;

const table = (headers: string[], rows: string[][]) =>
  [`| ${headers.join(" | ")} |`, `|${headers.map((h) => (/^(endpoint|function|entry|note)/.test(h) ? "---" : "---:")).join("|")}|`, ...rows.map((r) => `| ${r.join(" | ")} |`)].join("\n");
const mark = (ok: boolean) => (ok ? "pass" : "**FAIL**");

function git(args: string[]): string {
  try {
    return execFileSync("git", args, { encoding: "utf8", stdio: ["ignore", "pipe", "ignore"] }).trim();
  } catch {
    return "";
  }
}

export const load1 = () => loadavg()[0]!.toFixed(2);

export function environment(store: string, client: string, loadAtStart: string): string {
  const commit = git(["rev-parse", "--short", "HEAD"]) || "unknown";
  // The bench's own output files do not count: a run rewrites them.
  const dirty = git(["status", "--porcelain", "--", ".", ":!bench/results.md", ":!bench/results.json"]) ? " (with uncommitted changes in the working tree)" : "";
  return [
    `- node ${process.version} on ${platform()}/${arch()}`,
    `- CPU: ${cpus()[0]?.model ?? "unknown"}, ${cpus().length} cores (available parallelism ${availableParallelism()})`,
    `- date: ${new Date().toISOString()}`,
    `- 1-minute load average: ${loadAtStart} at the start, ${load1()} at the end (anything above 0 is other processes sharing the ${cpus().length} cores)`,
    `- git commit: ${commit}${dirty}`,
    `- store: ${store}`,
    `- throughput client: ${client}`,
  ].join("\n");
}

export interface LatencySummary {
  result: LatencyResult;
  oursP50: number;
  oursP99: number;
  /** The floor with an item of ours' size. */
  minP50: number;
  minP99: number;
  /** The floor with a 1 KB item. */
  min1kP50: number;
  min1kP99: number;
  /** Ours sent about as many store requests per turn as the floor (within 0.3): the ratio is judged. */
  comparable: boolean;
}

const perTurn = (v: VariantSamples) => (v.ms.length ? v.requests / v.ms.length : NaN);
const meanKb = (xs: number[]) => (xs.length ? kb(xs.reduce((a, b) => a + b, 0) / xs.length) : "–");
/** Extra requests per turn (a bot's ledger write on some turns) up to this leave the comparison judged. */
const COMPARABLE_REQUESTS = 0.3;

export const summarise = (results: LatencyResult[]): LatencySummary[] =>
  results.map((result) => ({
    result,
    oursP50: percentile(result.ours.ms, 50),
    oursP99: percentile(result.ours.ms, 99),
    minP50: percentile(result.minimal.ms, 50),
    minP99: percentile(result.minimal.ms, 99),
    min1kP50: percentile(result.minimal1k.ms, 50),
    min1kP99: percentile(result.minimal1k.ms, 99),
    comparable: Math.abs(perTurn(result.ours) - perTurn(result.minimal)) <= COMPARABLE_REQUESTS,
  }));

export function latencyTable(rows: LatencySummary[]): string {
  return table(
    ["endpoint", "function", "turns each", "ours p50 ms", "ours p99 ms", "floor p50 ms", "floor p99 ms", "p50 ours/floor", "p99 ours/floor", `≤ ${TARGETS.latencyRatio}× (p50, p99)`, "1 KB floor p50 ms", "1 KB floor p99 ms", "p50 ours/1 KB floor", "item KB ours : floor", "store req/turn ours : floor", "p50 ms in DynamoDB client ours : floor : 1 KB", "note"],
    rows.map(({ result: r, oursP50, oursP99, minP50, minP99, min1kP50, min1kP99, comparable }) => [
      r.row.label,
      r.row.fn,
      String(r.ours.ms.length),
      ms(oursP50),
      ms(oursP99),
      ms(minP50),
      ms(minP99),
      ratio(oursP50 / minP50),
      ratio(oursP99 / minP99),
      comparable ? `${mark(oursP50 / minP50 <= TARGETS.latencyRatio)}, ${mark(oursP99 / minP99 <= TARGETS.latencyRatio)}` : "n/a: other store work",
      ms(min1kP50),
      ms(min1kP99),
      ratio(oursP50 / min1kP50),
      `${meanKb(r.ours.itemBytes)} : ${meanKb(r.minimal.itemBytes)}`,
      `${perTurn(r.ours).toFixed(2)} : ${perTurn(r.minimal).toFixed(2)}`,
      `${ms(percentile(r.ours.storeMs, 50))} : ${ms(percentile(r.minimal.storeMs, 50))} : ${ms(percentile(r.minimal1k.storeMs, 50))}`,
      r.row.note ?? "",
    ]),
  );
}

const names = (list: string[]) => (list.length ? `${list.length}: ${list.map((n) => n.replace(/Command$/, "")).join(" + ")}` : "0");

export function countTable(rows: CountResult[]): string {
  return table(
    ["endpoint", "function", "first message", "new turn", "duplicate", "minimal new / duplicate", `target ≤ ${TARGETS.newTurnRequests} new, ≤ ${TARGETS.duplicateRequests} duplicate`, "note"],
    rows.map((r) => [
      r.label,
      r.fn,
      r.first.length || !r.informative ? names(r.first) : "",
      names(r.newTurn),
      names(r.duplicate),
      r.informative ? "" : `${r.minimalNew.length} / ${r.minimalDuplicate.length}`,
      r.informative ? "(informative: the bot's own store use)" : `${mark(r.newTurn.length <= TARGETS.newTurnRequests)}, ${mark(r.duplicate.length <= TARGETS.duplicateRequests)}`,
      r.note ?? "",
    ]),
  );
}

export function bundleTable(rows: BundleResult[]): string {
  const floor = rows.find((r) => r.name === FLOOR)!;
  return table(
    ["function", "entry", "KB", "gzip KB", "size / floor", "load ms (median)", "load ms (min)", "load / floor (medians)", `size ≤ ${TARGETS.bundleVsFloor}× floor and ≤ ${TARGETS.bundleMaxBytes / 1000} KB`],
    rows.map((r) => {
      const sizeRatio = r.bytes / floor.bytes;
      const loadRatio = medianLoad(r) / medianLoad(floor);
      const isFloor = r.name === FLOOR || r.name === DEFAULT_CHAIN;
      return [
        r.name,
        r.entry,
        kb(r.bytes),
        kb(r.gzipBytes),
        ratio(sizeRatio),
        ms(medianLoad(r)),
        ms(Math.min(...r.loadMs)),
        ratio(loadRatio),
        isFloor ? "" : mark(sizeRatio <= TARGETS.bundleVsFloor && r.bytes <= TARGETS.bundleMaxBytes),
      ];
    }),
  );
}

export function throughputTable(rows: ThroughputRow[]): string {
  const rps = (r: ThroughputRow["ours"]) => r.latencies.length / (r.durationMs / 1000);
  return table(
    ["N conversations", "ours req/s", "ours p50 ms", "ours p99 ms", "ours errors", "bare req/s", "bare p50 ms", "bare p99 ms", "bare errors", "req/s ours/bare", "p50 ours/bare"],
    rows.map((r) => [
      String(r.concurrency),
      rps(r.ours).toFixed(0),
      ms(percentile(r.ours.latencies, 50)),
      ms(percentile(r.ours.latencies, 99)),
      String(r.ours.errors),
      rps(r.bare).toFixed(0),
      ms(percentile(r.bare.latencies, 50)),
      ms(percentile(r.bare.latencies, 99)),
      String(r.bare.errors),
      ratio(rps(r.ours) / rps(r.bare)),
      ratio(percentile(r.ours.latencies, 50) / percentile(r.bare.latencies, 50)),
    ]),
  );
}

/** One line per target: met / not met, with the figures. */
export function targetLines(latency: LatencySummary[], counts: CountResult[], bundles: BundleResult[], runSeconds: number, budgetSeconds: number): string[] {
  const lines: string[] = [];
  const line = (met: boolean, text: string, figures: string) => lines.push(`- ${met ? "met" : "**not met**"}: ${text}: ${figures}`);

  const comparable = latency.filter((s) => s.comparable);
  const others = latency.filter((s) => !s.comparable);
  for (const p of [50, 99] as const) {
    const figure = (s: LatencySummary) => {
      const [o, m] = p === 50 ? [s.oursP50, s.minP50] : [s.oursP99, s.minP99];
      return { r: o / m, text: `${s.result.row.label} ${ratio(o / m)} (${ms(o)} vs ${ms(m)} ms)` };
    };
    const figures = comparable.map(figure);
    const failed = figures.filter((f) => !(f.r <= TARGETS.latencyRatio));
    const within = figures.filter((f) => f.r <= TARGETS.latencyRatio);
    const judged = failed.length ? `over on ${failed.map((f) => f.text).join("; ")}${within.length ? `; within on ${within.map((f) => f.text).join("; ")}` : ""}` : figures.map((f) => f.text).join("; ");
    const unjudged = others.length ? `. Not judged (ours does other store work than the floor, see b): ${others.map((s) => figure(s).text).join("; ")}` : "";
    line(failed.length === 0, `warm turn p${p} ours/floor of the same item size ≤ ${TARGETS.latencyRatio}× (endpoints with the same store work, within ${COMPARABLE_REQUESTS} requests per turn)`, judged + unjudged);
  }

  const judged = counts.filter((c) => !c.informative);
  const overNew = judged.filter((c) => c.newTurn.length > TARGETS.newTurnRequests);
  line(overNew.length === 0, `DynamoDB requests per new turn ≤ ${TARGETS.newTurnRequests}`, overNew.length ? overNew.map((c) => `${c.label} ${names(c.newTurn)}`).join("; ") + `; the others ${judged.filter((c) => !overNew.includes(c)).map((c) => `${c.label} ${c.newTurn.length}`).join(", ")}` : judged.map((c) => `${c.label} ${c.newTurn.length}`).join(", "));
  const overDup = judged.filter((c) => c.duplicate.length > TARGETS.duplicateRequests);
  line(overDup.length === 0, `DynamoDB requests per duplicate ≤ ${TARGETS.duplicateRequests}`, overDup.length ? overDup.map((c) => `${c.label} ${names(c.duplicate)}`).join("; ") : judged.map((c) => `${c.label} ${c.duplicate.length}`).join(", "));

  const floor = bundles.find((b) => b.name === FLOOR)!;
  const fns = bundles.filter((b) => b !== floor && b.name !== DEFAULT_CHAIN);
  const bigSize = fns.filter((b) => b.bytes / floor.bytes > TARGETS.bundleVsFloor);
  line(bigSize.length === 0, `bundle size ≤ ${TARGETS.bundleVsFloor}× floor (floor ${kb(floor.bytes)} KB)`, (bigSize.length ? bigSize : fns).map((b) => `${b.name} ${kb(b.bytes)} KB = ${ratio(b.bytes / floor.bytes)}`).join(", ") + (bigSize.length ? `; ${fns.length - bigSize.length} of ${fns.length} within` : ""));
  const over500 = fns.filter((b) => b.bytes > TARGETS.bundleMaxBytes);
  const largest = [...fns].sort((a, b) => b.bytes - a.bytes)[0]!;
  line(over500.length === 0, `no bundle over ${TARGETS.bundleMaxBytes / 1000} KB (1 KB = 1000 bytes)`, over500.length ? over500.map((b) => `${b.name} ${kb(b.bytes)} KB`).join(", ") : `largest ${largest.name} ${kb(largest.bytes)} KB`);
  const slowLoad = fns.filter((b) => medianLoad(b) / medianLoad(floor) > TARGETS.loadVsFloor);
  line(slowLoad.length === 0, `module load ≤ ${TARGETS.loadVsFloor}× the floor's ${ms(medianLoad(floor))} ms (medians)`, (slowLoad.length ? slowLoad : fns).map((b) => `${b.name} ${ms(medianLoad(b))} ms = ${ratio(medianLoad(b) / medianLoad(floor))}`).join(", ") + (slowLoad.length ? `; ${fns.length - slowLoad.length} of ${fns.length} within` : ""));

  line(runSeconds < budgetSeconds, `bench run time < ${budgetSeconds / 60} min`, `${runSeconds.toFixed(0)} s`);
  return lines;
}
