import { fork, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { build } from "esbuild";
import { readBundleConfig } from "../../scripts/bench/bundles";

/**
 * A function's bundle as Lambda loads it: built with serverless.yml's esbuild options (as serverless-esbuild does),
 * run in its own Node process with the environment given, like a Lambda's, and invoked with events over IPC
 * (test/support/lambda-bundle-runner.js). What the process prints (its JSON logs) is kept in `output`.
 */
export interface BundleProcess {
  invoke<T = unknown>(event: unknown, remainingMs?: number): Promise<T>;
  output(): string;
  close(): Promise<void>;
}

export async function buildFunctionBundle(entry: string): Promise<{ file: string; dispose(): void }> {
  const dir = mkdtempSync(join(tmpdir(), "onebot-bundle-"));
  const file = join(dir, "index.js");
  const { options } = readBundleConfig();
  await build({ ...options, entryPoints: [join(__dirname, "..", "..", entry)], outfile: file, logLevel: "silent" });
  return { file, dispose: () => rmSync(dir, { recursive: true, force: true }) };
}

/**
 * What every bundle process here starts with, as Lambda sets it for a function of the local stage: its name and
 * region, the store's endpoint and tables, JSON logs at INFO and no metrics. No credentials: each test brings its
 * own (or none), and adds what its function needs.
 */
export function lambdaEnvironment(functionName: string, store: { store: { endpoint: string }; tables: Record<string, string> }): Record<string, string> {
  return {
    PATH: process.env.PATH ?? "",
    AWS_LAMBDA_FUNCTION_NAME: `onebot-local-${functionName}`,
    AWS_REGION: "us-east-1",
    AWS_ENDPOINT_URL_DYNAMODB: store.store.endpoint,
    AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: "true",
    BOT_STAGE: "local",
    ...store.tables,
    POWERTOOLS_LOG_LEVEL: "INFO",
    POWERTOOLS_METRICS_DISABLED: "true",
  };
}

export function startBundleProcess(file: string, env: Record<string, string>): BundleProcess {
  const child: ChildProcess = fork(join(__dirname, "lambda-bundle-runner.js"), [file], { env, stdio: ["ignore", "pipe", "pipe", "ipc"] });
  let printed = "";
  child.stdout!.on("data", (chunk: Buffer) => (printed += chunk.toString("utf8")));
  child.stderr!.on("data", (chunk: Buffer) => (printed += chunk.toString("utf8")));
  let next = 0;
  const waiting = new Map<number, { resolve(value: unknown): void; reject(error: Error): void }>();
  child.on("message", (message: { id: number; result?: unknown; error?: string }) => {
    const call = waiting.get(message.id);
    waiting.delete(message.id);
    if (message.error !== undefined) call?.reject(new Error(message.error));
    else call?.resolve(message.result);
  });
  child.on("exit", () => waiting.forEach((call) => call.reject(new Error(`the bundle's process exited: ${printed.slice(-500)}`))));
  return {
    invoke: <T>(event: unknown, remainingMs = 10_000) =>
      new Promise<T>((resolve, reject) => {
        const id = ++next;
        waiting.set(id, { resolve: resolve as (value: unknown) => void, reject });
        child.send({ id, event, remainingMs });
      }),
    output: () => printed,
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once("exit", () => resolve());
        child.kill();
      }),
  };
}
