import { execFileSync } from "node:child_process";
import { existsSync, mkdtempSync, readFileSync, rmSync, statSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { gzipSync } from "node:zlib";
import { build, type BuildOptions } from "esbuild";
import { load } from "js-yaml";
import { median } from "./stats";

/**
 * c) Per function of serverless.yml: the bundle as deployed (built with esbuild and the options of
 * serverless.yml's custom.esbuild, read at run time, minus the keys serverless-esbuild keeps for itself)
 * and its module load time in a fresh Node process (require() timed inside it, so process start-up is
 * excluded; median of alternating runs), beside the floor: the smallest DynamoDB-only bundle that runs on
 * Lambda (the minimal turn on the raw client, with an environment-only credential provider). A reference row
 * shows the same handler with the SDK's default credential chain.
 */
const root = join(__dirname, "..", "..");
export const FLOOR = "(floor: raw DynamoDB client, env credentials)";
export const DEFAULT_CHAIN = "(reference: the floor with the SDK's default credential chain)";
const CHAIN = "@aws-sdk/credential-provider-node";
const FLOOR_ENTRY = relative(root, join(__dirname, "floor-handler.ts"));

/** The floor's build: serverless.yml's options, with the SDK's default credential chain swapped for the environment. */
export function floorOptions(options: BuildOptions): BuildOptions {
  return { ...options, alias: { ...options.alias, [CHAIN]: join(__dirname, "floor-credentials.ts") } };
}

/** The reference build: the SDK's default chain even when serverless.yml aliases it away. */
function defaultChainOptions(options: BuildOptions): BuildOptions {
  const { [CHAIN]: _chain, ...alias } = options.alias ?? {};
  return { ...options, alias };
}

/** serverless-esbuild 1.57's own options, deleted before it calls esbuild (node_modules/serverless-esbuild/dist/bundle.js). */
const PLUGIN_KEYS = [
  "concurrency",
  "zipConcurrency",
  "exclude",
  "nativeZip",
  "packager",
  "packagePath",
  "watch",
  "keepOutputDirectory",
  "packagerOptions",
  "installExtraArgs",
  "outputFileExtension",
  "outputBuildFolder",
  "outputWorkFolder",
  "nodeExternals",
  "skipBuild",
  "skipRebuild",
  "skipBuildExcludeFns",
  "stripEntryResolveExtensions",
  "disposeContext",
  "config",
];

interface ServerlessYml {
  provider?: { runtime?: string };
  custom?: { esbuild?: Record<string, unknown> };
  functions?: string | Record<string, { handler: string }>;
}

export interface BundleConfig {
  options: BuildOptions;
  /** The options as printed in the report. */
  described: string;
  functions: Array<{ name: string; entry: string }>;
}

/** `${env:NAME, 'default'}` is the only Serverless variable form resolved here; any other is an error. */
function resolveVariables(value: unknown, key: string): unknown {
  if (typeof value !== "string" || !value.includes("${")) return value;
  const env = /^\$\{env:(\w+)(?:,\s*'([^']*)')?\}$/.exec(value.trim());
  if (!env) throw new Error(`serverless.yml custom.esbuild.${key}: cannot resolve ${value} outside the Serverless Framework`);
  return process.env[env[1]!] ?? env[2] ?? "";
}

export function readBundleConfig(file = join(root, "serverless.yml")): BundleConfig {
  const yml = load(readFileSync(file, "utf8")) as ServerlessYml;
  const custom = yml.custom?.esbuild ?? {};
  const exclude = (Array.isArray(custom.exclude) ? custom.exclude : ["aws-sdk"]).map(String);
  const esbuildOptions = Object.fromEntries(
    Object.entries(custom)
      .filter(([k]) => !PLUGIN_KEYS.includes(k))
      .map(([k, v]) => [k, resolveVariables(v, k)]),
  ) as BuildOptions;
  // serverless-esbuild's defaults, then the runtime's target, then custom.esbuild (as its getBuildOptions merges them).
  const runtimeTarget = /^nodejs(\d+)\.x$/.exec(yml.provider?.runtime ?? "")?.[1];
  const options: BuildOptions = {
    bundle: true,
    platform: "node",
    ...(runtimeTarget ? { target: `node${runtimeTarget}` } : { target: "node18" }),
    ...esbuildOptions,
    external: [...((esbuildOptions.external as string[] | undefined) ?? []), ...(exclude.includes("*") ? [] : exclude)],
  };
  // serverless.yml takes its functions from infra/functions.js (the platform registry): ask it the same way.
  const declared: Record<string, { handler: string }> =
    typeof yml.functions === "string" ? (require(join(root, "infra", "functions.js")) as { functions(): Record<string, { handler: string }> }).functions() : (yml.functions ?? {});
  const functions = Object.entries(declared).map(([name, fn]) => {
    const base = fn.handler.slice(0, fn.handler.lastIndexOf("."));
    const ext = [".ts", ".js", ".mts", ".mjs"].find((e) => existsSync(join(root, base + e)));
    if (!ext) throw new Error(`serverless.yml functions.${name}: no source for ${fn.handler}`);
    return { name, entry: base + ext };
  });
  return { options, described: JSON.stringify(options), functions };
}

export interface BundleResult {
  name: string;
  entry: string;
  bytes: number;
  gzipBytes: number;
  loadMs: number[];
}

/** Milliseconds to require the bundle in a fresh process, measured inside it. */
function loadMs(file: string): number {
  const script = `const t=process.hrtime.bigint();require(${JSON.stringify(file)});process.stdout.write(String(Number(process.hrtime.bigint()-t)/1e6))`;
  return Number(execFileSync(process.execPath, ["-e", script], { encoding: "utf8", env: { PATH: process.env.PATH ?? "", POWERTOOLS_LOG_LEVEL: "SILENT" } }));
}

export async function measureBundles(
  config: BundleConfig,
  runs: number,
  progress: (line: string) => void,
  /** Called with the floor bundle's file before the load runs: proves it works. */
  checkFloor?: (file: string) => Promise<void>,
): Promise<BundleResult[]> {
  const dir = mkdtempSync(join(tmpdir(), "onebot-bench-bundles-"));
  try {
    const entries = [
      ...config.functions.map((f) => ({ ...f, options: config.options })),
      { name: FLOOR, entry: FLOOR_ENTRY, options: floorOptions(config.options) },
      { name: DEFAULT_CHAIN, entry: FLOOR_ENTRY, options: defaultChainOptions(config.options) },
    ];
    const built = await Promise.all(
      entries.map(async ({ name, entry, options }, i) => {
        const outdir = join(dir, String(i));
        await build({ ...options, entryPoints: [join(root, entry)], outdir, absWorkingDir: root, logLevel: "error", write: true });
        const file = join(outdir, entry.replace(/^.*\//, "").replace(/\.[mc]?[tj]s$/, ".js"));
        return { name, entry, file, bytes: statSync(file).size, gzipBytes: gzipSync(readFileSync(file), { level: 9 }).length, loadMs: [] as number[] };
      }),
    );
    progress(`bundles: ${built.length} built`);
    if (checkFloor) await checkFloor(built.find((b) => b.name === FLOOR)!.file);
    // Alternate: every run loads every bundle once, starting one further along each time.
    for (let run = 0; run < runs; run++) {
      for (let k = 0; k < built.length; k++) {
        const b = built[(run + k) % built.length]!;
        b.loadMs.push(loadMs(b.file));
      }
    }
    progress(`bundles: ${runs} load runs each done`);
    return built.map(({ file: _file, ...rest }) => rest);
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

export const medianLoad = (b: BundleResult) => median(b.loadMs);
