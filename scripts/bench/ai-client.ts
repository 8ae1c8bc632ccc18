/**
 * Why lib/ai/client.ts is a small fetch client and not the `openai` package: bundles both the way
 * serverless-esbuild does (minified, node22, CommonJS) and measures, in one run, each bundle's size and the
 * time a fresh Node process takes to load it (median of alternating runs). `npm run bench:ai`.
 */
import { execFileSync } from "node:child_process";
import { mkdtempSync, rmSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { buildSync } from "esbuild";

const RUNS = 15;
const root = join(__dirname, "..", "..");
const dir = mkdtempSync(join(tmpdir(), "onebot-bench-"));

const variants = {
  "fetch client (lib/ai/client.ts)": `import { chatCompletion } from ${JSON.stringify(join(root, "lib/ai/client"))};\nexport const use = chatCompletion;`,
  "openai package": `import OpenAI from "openai";\nexport const use = (key: string) => new OpenAI({ apiKey: key, baseURL: "http://127.0.0.1/v1" }).chat.completions.create;`,
};

function build(name: string, source: string): string {
  const entry = join(dir, `${name.replace(/\W+/g, "-")}.ts`);
  const out = entry.replace(/\.ts$/, ".js");
  writeFileSync(entry, source);
  buildSync({ entryPoints: [entry], outfile: out, bundle: true, minify: true, platform: "node", target: "node22", format: "cjs", mainFields: ["module", "main"], nodePaths: [join(root, "node_modules")], logLevel: "error" });
  return out;
}

/** Milliseconds to require the bundle in a fresh process (measured inside it, so process start is excluded). */
function loadMs(file: string): number {
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(file)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  return Number(execFileSync(process.execPath, ["-e", script], { encoding: "utf8" }));
}

const median = (xs: number[]) => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)]!;

try {
  const files = Object.fromEntries(Object.entries(variants).map(([name, src]) => [name, build(name, src)]));
  const times: Record<string, number[]> = Object.fromEntries(Object.keys(files).map((n) => [n, []]));
  for (let i = 0; i < RUNS; i++) for (const [name, file] of Object.entries(files)) times[name]!.push(loadMs(file));
  const rows = Object.entries(files).map(([name, file]) => ({ name, kb: statSync(file).size / 1024, ms: median(times[name]!) }));
  const [ours, theirs] = rows as [(typeof rows)[0], (typeof rows)[0]];
  console.log(`node ${process.version}, ${RUNS} alternating loads each, median`);
  for (const r of rows) console.log(`${r.name.padEnd(34)} ${r.kb.toFixed(1).padStart(7)} KB  ${r.ms.toFixed(2).padStart(6)} ms`);
  console.log(`openai package / fetch client: ${(theirs.kb / ours.kb).toFixed(1)}× the bytes, ${(theirs.ms / ours.ms).toFixed(1)}× the load time`);
} finally {
  rmSync(dir, { recursive: true, force: true });
}
