/**
 * `npm start`: the local stack. A DynamoDB-compatible store (embedded dynalite, or AWS_ENDPOINT_URL_DYNAMODB),
 * the tables of infra/tables.yml, and every function of serverless.yml served by serverless-offline on
 * http://localhost:$PORT (default 3000). Ready when GET /health answers 200; Ctrl-C stops everything.
 * Beside it, for developers only (never deployed): a LivePerson stand-in as the human desk (unless LP_ACCOUNT_ID
 * names a real one) and the studio, a web page on http://localhost:$STUDIO_PORT/studio (default 3100).
 */
import { spawn, type ChildProcess } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { join, relative } from "node:path";
import { defaultProvider } from "@aws-sdk/credential-provider-node"; // the SDK's full chain: this script is not bundled
import { load } from "js-yaml";
import { needsPinning, pinCredentials } from "../lib/aws/pinned-credentials";
import { ConfigError, readSettings } from "../lib/config";
import type { SettingsSource } from "../lib/platforms/platform-settings";
import { platforms } from "../lib/platforms/registry";
import { ensureTables, openStore, type LocalStore } from "./local-store";
import { startLocalSqs, type LocalSqs } from "./local-sqs";
import { freePort, listenOnce } from "./ports";
import { removeStackFile, stackFilePath, writeStackFile, type StackFile } from "./stack-file";
import { AgentDesk } from "./studio/agent-desk";
import { startStudio, type Studio } from "./studio/server";
import { waitForHealth } from "./wait-for-health";

const ROOT = join(__dirname, "..");
const READY_TIMEOUT_MS = 120_000;
/** serverless.yml's provider.region default, used when the shell sets no AWS_REGION. */
const DEFAULT_REGION = "eu-central-1";

/** A startup failure the user can fix: reported as one line, exit code 1. */
class StartError extends Error {}

let store: LocalStore | undefined;
let sqs: LocalSqs | undefined;
let desk: AgentDesk | undefined;
let studio: Studio | undefined;
let offline: ChildProcess | undefined;
let buildDir: string | undefined;
let stopping = false;
let stackFile: string | undefined;

async function main(): Promise<void> {
  process.on("SIGINT", () => void stop(0));
  process.on("SIGTERM", () => void stop(0));
  process.on("exit", () => {
    killGroup("SIGKILL"); // last resort: never leave serverless-offline behind
    if (stackFile) removeStackFile(stackFile);
  });

  const env = process.env;
  // Every platform names its own secrets' local defaults (its settings.ts); lib/config.ts has none.
  const localSecrets = platforms.flatMap((p) => Object.entries(p.localSecrets));
  const ownSecrets = new Set(localSecrets.map(([name]) => name).filter((name) => env[name])); // printed as "(from environment)"
  const port = Number(env.PORT ?? 3000);
  if (!Number.isInteger(port) || port < 1 || port > 65535) throw new StartError(`PORT must be 1-65535, got "${env.PORT}"`);
  const host = env.HOST || "127.0.0.1";
  env.PORT = String(port);
  env.BOT_STAGE = "local";
  env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  // One region for the tables and the handlers, whatever the shell says: serverless-offline gives handlers
  // provider.region (passed below), and DynamoDB Local keeps one database per region (dynalite ignores it).
  const region = (env.AWS_REGION ||= DEFAULT_REGION);
  if (!env.AWS_ENDPOINT_URL_DYNAMODB || !(env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE)) {
    // The embedded store accepts any credentials; never hand real ones (or an expired SSO profile) to it.
    Object.assign(env, { AWS_ACCESS_KEY_ID: "local", AWS_SECRET_ACCESS_KEY: "local" });
    delete env.AWS_SESSION_TOKEN;
    delete env.AWS_PROFILE;
  } else if (needsPinning(env)) {
    // The functions are the deployed bundles, which read credentials from the environment only: resolve the
    // profile (SSO, an assumed role, ~/.aws files) once here with the SDK's full chain and pass the keys on.
    // Temporary credentials then last as long as they do: when they expire, restart npm start. Never printed.
    const profile = env.AWS_PROFILE ? ` of profile ${env.AWS_PROFILE}` : "";
    const { expiration } = await pinCredentials(env, defaultProvider()).catch((err: Error) => {
      throw new StartError(`cannot resolve AWS credentials${profile}: ${err.message}`);
    });
    say(`AWS credentials${profile} resolved for the functions${expiration ? ` (until ${expiration.toISOString()}; restart npm start then)` : ""}`);
  }
  const tables = { sessions: (env.SESSIONS_TABLE ||= "onebot-local-sessions"), events: (env.EVENTS_TABLE ||= "onebot-local-events") };
  // Without an outbound URL, TwoWay replies go to the chat simulator (`npm run chat -- twoway` listens there).
  const chatOutbound = !env.TWOWAY_OUTBOUND_URL;
  if (chatOutbound) {
    const outboundPort = Number(env.CHAT_OUTBOUND_PORT || 3099);
    if (!Number.isInteger(outboundPort) || outboundPort < 1 || outboundPort > 65535 || outboundPort === port) {
      throw new StartError(`CHAT_OUTBOUND_PORT must be 1-65535 and not PORT, got "${env.CHAT_OUTBOUND_PORT}"`);
    }
    env.TWOWAY_OUTBOUND_URL = `http://127.0.0.1:${outboundPort}/twoway/outbound`;
  }
  // The studio's port (0: any free one), checked before anything starts; STUDIO=off runs the stack alone.
  const studioPort = env.STUDIO === "off" ? undefined : Number(env.STUDIO_PORT ?? 3100);
  if (studioPort !== undefined && (!Number.isInteger(studioPort) || studioPort < 0 || studioPort > 65535 || studioPort === port)) {
    throw new StartError(`STUDIO_PORT must be 0-65535 and not PORT, got "${env.STUDIO_PORT}"`);
  }
  // Without a LivePerson of the user's own, a local stand-in is the human desk, whose agent the studio plays
  // (without the studio nobody could answer there: TwoWay keeps CM's own handover).
  if (!env.LP_ACCOUNT_ID && studioPort !== undefined) {
    desk = await AgentDesk.start();
    Object.assign(env, desk.settings);
  }
  const settings = readSettings(env); // a bad setting fails here, not on the first request
  // Each platform's own slice too (lib/platforms/platform-settings.ts), read as its handlers will read it.
  const source = { env, settings };
  for (const platform of platforms) {
    const { invalid } = platform.settings(source);
    if (invalid.length) throw new StartError(`invalid ${platform.name} settings: ${invalid.join("; ")}`);
  }

  await assertPortFree(port, host);
  const lambdaPort = await freePort(host); // serverless-offline's invoke API (default 3002 would collide)

  store = await openStore(env);
  env.AWS_ENDPOINT_URL_DYNAMODB = store.endpoint;
  say(`store: ${store.embedded ? "embedded dynalite at " : "DynamoDB at "}${store.endpoint}`);
  const names = { SESSIONS_TABLE: env.SESSIONS_TABLE, EVENTS_TABLE: env.EVENTS_TABLE };
  const created = await ensureTables(store.endpoint, names, region).catch((err: Error) => {
    throw new StartError(`cannot create tables at ${store?.endpoint}: ${err.message || (err as NodeJS.ErrnoException).code || err.name}`);
  });
  const found = Object.values(names).filter((n) => !created.includes(n));
  say(`tables: ${[...created.map((n) => `${n} (created)`), ...found.map((n) => `${n} (found)`)].join(", ")}`);

  // Jobs (TwoWay turns, LivePerson changes, late Kommunicate replies) go through a loopback SQS stand-in
  // to the job-worker function, as they go through SQS in a deployment.
  const service = (load(readFileSync(join(ROOT, "serverless.yml"), "utf8")) as { service: string }).service;
  sqs = await startLocalSqs({
    host: "127.0.0.1",
    invokeUrl: `http://127.0.0.1:${lambdaPort}/2015-03-31/functions/${service}-local-jobWorker/invocations`,
    queueName: `${service}-local-jobs.fifo`,
    warn: (line) => console.error(`npm start: ${line}`),
  });
  env.LOCAL_JOBS_QUEUE_URL = sqs.queueUrl;

  // Local secrets go to the handlers explicitly, through this environment (serverless-offline's localEnvironment).
  for (const [name, value] of localSecrets) env[name] ||= value;
  buildDir = join("node_modules", ".cache", "onebot-offline", String(port));
  env.ONEBOT_ESBUILD_WORK_FOLDER = buildDir;

  console.log("… building functions and starting serverless-offline");
  const child = spawn(
    join(ROOT, "node_modules", ".bin", "serverless"),
    ["offline", "start", "--stage", "local", "--region", region, "--httpPort", String(port), "--lambdaPort", String(lambdaPort)],
    { cwd: ROOT, env: { ...env, SLS_TELEMETRY_DISABLED: "1" }, detached: true, stdio: ["ignore", "pipe", "pipe"] },
  );
  offline = child;
  // Quiet until ready (its own banner would repeat the table below); replayed if it fails to start.
  const early: string[] = [];
  let ready = false;
  for (const [stream, out] of [[child.stdout, process.stdout], [child.stderr, process.stderr]] as const) {
    stream.on("data", (chunk: Buffer) => {
      if (ready) return void out.write(chunk);
      const text = chunk.toString();
      early.push(text);
      if (/Starting Offline/.test(text)) say("functions built");
    });
  }
  const exited = new AbortController();
  child.on("exit", (code, signal) => {
    exited.abort(new StartError(`serverless-offline exited (${signal ?? `code ${code}`}) before /health answered`));
    if (ready && !stopping) {
      console.error(`npm start: serverless-offline exited (${signal ?? `code ${code}`}); stopping`);
      void stop(1);
    }
  });

  const urlHost = host === "127.0.0.1" || host === "0.0.0.0" ? "localhost" : host;
  const base = `http://${urlHost}:${port}`;
  const direct = `http://${host === "0.0.0.0" ? "127.0.0.1" : host}:${port}`; // no name lookup (localhost may be ::1)
  try {
    const ms = await waitForHealth(`${direct}/health`, READY_TIMEOUT_MS, exited.signal);
    say(`HTTP: ${base} (GET /health answered 200 after ${(ms / 1000).toFixed(1)} s)`);
  } catch (err) {
    if (stopping) return;
    // Its own report (e.g. a build error), without stack frames, then our one line.
    const lines = early.join("").split("\n").filter((line) => !/^\s+at /.test(line));
    process.stderr.write(lines.slice(-30).join("\n") + "\n");
    throw err instanceof StartError ? err : new StartError((err as Error).message);
  }
  await new Promise((resolve) => setTimeout(resolve, 200)); // let the log of our own /health poll pass unseen
  desk?.connect(direct);
  const secrets = platformStackSettings(source);
  if (studioPort !== undefined) {
    const studioStore = { endpoint: store.endpoint, region, tables, source: "the local stack" as const, localCredentials: store.embedded || !(env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE) };
    const jobsQueueUrl = sqs.queueUrl;
    const open = (port: number) =>
      startStudio({
        host: "127.0.0.1",
        port,
        stack: { stackUrl: direct, secrets, twowayOutboundUrl: env.TWOWAY_OUTBOUND_URL! }, // the outbound URL: the user's, or the chat's local endpoint
        store: studioStore,
        jobsQueueUrl,
        ...(desk ? { desk } : {}),
      });
    // The default port taken (another stack's studio): any free one, printed below. A port asked for must be free.
    studio = await open(studioPort)
      .catch((err: NodeJS.ErrnoException) => (err.code === "EADDRINUSE" && env.STUDIO_PORT === undefined ? open(0) : Promise.reject(err)))
      .catch((err: NodeJS.ErrnoException) => {
        throw new StartError(err.code === "EADDRINUSE" ? `STUDIO_PORT ${studioPort} is already in use: stop the other server, set STUDIO_PORT, or STUDIO=off` : `cannot start the studio: ${err.message}`);
      });
  }
  ready = true;
  // For the developer tools (npm run chat / sessions / admin): written once ready and the summary is out
  // (tools and tests read the output when the file appears), deleted on exit.
  const stackPath = stackFilePath(env);
  printSummary(base, localSecrets, ownSecrets, [
    ...(studio ? [`Studio: ${studio.url}  (chat as any platform, replies as each platform shows them, sessions, the agent's side)`] : []),
    ...(desk ? [`LivePerson: a local stand-in at ${desk.settings.LP_CSDS_URL} is the human desk (LP_ACCOUNT_ID unset); the studio plays its agent.`] : []),
    ...(chatOutbound ? [`TwoWay replies go to ${env.TWOWAY_OUTBOUND_URL}, where \`npm run chat -- twoway\` (or the studio) listens (CHAT_OUTBOUND_PORT).`] : []),
    `Developer tools (npm run chat / sessions / admin) find this stack through ${stackPath.startsWith(ROOT) ? relative(ROOT, stackPath) : stackPath}.`,
  ]);
  const info: StudioStackFile = {
    httpUrl: direct,
    dynamoEndpoint: store.endpoint,
    dynamoEmbedded: store.embedded,
    region,
    tables,
    secrets,
    twowayOutboundUrl: env.TWOWAY_OUTBOUND_URL,
    pid: process.pid,
    jobsQueueUrl: sqs.queueUrl,
    ...(studio ? { studioUrl: studio.url } : {}),
  };
  stackFile = writeStackFile(info, stackPath);
}

/** The stack file with what the studio's tools add: `npm run admin -- redrive` sends to this queue. */
export interface StudioStackFile extends StackFile {
  jobsQueueUrl?: string;
  studioUrl?: string;
}

/** Besides the secrets, the settings the developer tools need to sign and authenticate their requests. */
const TOOL_SETTINGS = ["BM_SIGNATURE_ENCODING", "KOMMUNICATE_WEBHOOK_HEADER"];

/**
 * Every platform's secrets (and the TOOL_SETTINGS of its slice) as its handlers see them: the environment's value,
 * else the local default. The tools sign with them; `npm run chat -- botpress` logs in with them.
 */
function platformStackSettings(source: SettingsSource): Record<string, string> {
  return Object.fromEntries(
    platforms.flatMap((platform) => {
      const own = platform.settings(source);
      const names = [...Object.keys(platform.localSecrets), ...TOOL_SETTINGS.filter((name) => name in own)];
      return names.map((name) => [name, String(own[name] ?? "")]);
    }),
  );
}

function printSummary(base: string, localSecrets: readonly [string, string][], ownSecrets: Set<string>, notes: string[]): void {
  const rows = routes().map(({ method, path, what }) => [method, `${base}${path}`, what]);
  const width = [0, 1].map((i) => Math.max(...rows.map((r) => r[i]!.length)));
  console.log("\nEndpoints:");
  for (const [m, url, p] of rows) console.log(`  ${m!.padEnd(width[0]!)}  ${url!.padEnd(width[1]!)}  ${p}`);
  console.log("\nLocal secrets (defaults for BOT_STAGE=local only; a deployed stage never uses them):");
  // Each platform's own (its settings.ts), in registry order.
  for (const [name, value] of localSecrets) {
    console.log(`  ${name}=${ownSecrets.has(name) ? "(from environment)" : value}`);
  }
  console.log(`\n${notes.join("\n")}\n\nReady. Ctrl-C stops the stack.\n`);
}

/** Every route the stack serves: the registered platforms' endpoints (serverless.yml's functions come from them) and /health. */
function routes(): { method: string; path: string; what: string }[] {
  return [
    ...platforms.flatMap((platform) =>
      Object.values(platform.endpoints).flatMap((endpoint) =>
        endpoint.routes.map((route) => {
          const [method = "POST", path = "/"] = route.split(" ");
          return { method, path, what: `${platform.name}: ${endpoint.description.split(" (")[0]}` };
        }),
      ),
    ),
    { method: "GET", path: "/health", what: "(health check)" },
  ];
}

function say(what: string): void {
  console.log(`✓ ${what}`);
}

async function assertPortFree(port: number, host: string): Promise<void> {
  await listenOnce(port, host).catch((err: NodeJS.ErrnoException) => {
    throw new StartError(
      err.code === "EADDRINUSE"
        ? `port ${port} is already in use on ${host}: stop the other server or set PORT`
        : `cannot listen on ${host}:${port}: ${err.message}`,
    );
  });
}

function killGroup(signal: NodeJS.Signals): void {
  if (offline?.pid === undefined || offline.exitCode !== null || offline.signalCode !== null) return;
  try {
    process.kill(-offline.pid, signal); // the whole group: serverless, its esbuild service, worker threads
  } catch {
    // already gone
  }
}

async function stop(code: number): Promise<void> {
  if (stopping) return;
  stopping = true;
  if (stackFile) removeStackFile(stackFile);
  const child = offline;
  if (child && child.exitCode === null && child.signalCode === null) {
    const gone = new Promise((resolve) => child.once("exit", resolve));
    killGroup("SIGTERM");
    const timer = setTimeout(() => killGroup("SIGKILL"), 5000);
    await gone;
    clearTimeout(timer);
  }
  await studio?.close().catch(() => undefined);
  await desk?.shutdown().catch(() => undefined);
  await sqs?.close();
  await store?.close();
  if (buildDir) rmSync(join(ROOT, buildDir), { recursive: true, force: true });
  if (code === 0) console.log("✓ stopped");
  process.exit(code);
}

if (require.main === module) {
  main().catch((err: unknown) => {
    const message = err instanceof StartError || err instanceof ConfigError ? err.message : String((err as Error)?.message ?? err);
    console.error(`npm start: ${message}`);
    void stop(1);
  });
}
