/**
 * `npm run bench` (issue 9, and the cost-and-speed issue's honest floors): warm turn latency per endpoint
 * against a minimal handler on the raw client with an item of ours' size (and of 1 KB), DynamoDB requests per
 * turn, bundle size and load time per function against the smallest DynamoDB-only bundle that runs on Lambda,
 * loopback throughput against a bare node:http server, and write / read units per turn of long conversations.
 * Prints the tables and writes them to bench/results.md, and every figure to bench/results.json. A missed
 * target is reported, not an error: the process exits 0 unless the bench itself breaks.
 *
 * BENCH_QUICK=1 runs a few iterations of everything (a smoke test of the bench, not figures to quote).
 */
import "./env";
import { mkdirSync, writeFileSync } from "node:fs";
import { join, relative } from "node:path";
import { readUnits, writeUnits } from "./capacity";
import { bmKeys, meanItemBytes } from "./item-sizes";
import { measureBundles, readBundleConfig, type BundleResult } from "./bundles";
import { capacitySection, capacityTargetLines } from "./capacity-report";
import { contentionFigures, contentionTable, contentionTargetLines, measureContention, type ContentionRow } from "./contention";
import { measureCapacity } from "./capacity-run";
import { collectFigures } from "./figures";
import { checkFloorBundle } from "./floor-check";
import { assertFigures } from "./results-json";
import { FLOOR_1K_BYTES, measureLatency, type LatencyResult } from "./latency";
import { bundleTable, countTable, environment, latencyTable, load1, summarise, targetLines, throughputTable } from "./report";
import { countRequests, type CountResult } from "./request-count";
import { scenarios } from "./scenarios";
import { startStack } from "./setup";
import { now } from "./stats";
import { BARE_PLATFORM, CLIENT_DESCRIPTION, conversationPrefix, measureThroughput, type ThroughputRow } from "./throughput";

const quick = process.env.BENCH_QUICK === "1";
const LATENCY = { warmup: quick ? 20 : 150, iterations: quick ? 60 : 1000, conversations: 100, seed: 9, maxSecondsPerScenario: quick ? 5 : 30 };
const THROUGHPUT = { concurrency: [1, 16, 64], rounds: 2, warmupMs: quick ? 100 : 300, durationMs: quick ? 300 : 2000 };
const LOAD_RUNS = quick ? 3 : 15;
const CONTENTION = { concurrency: [10, 50], rounds: quick ? { 10: 1, 50: 1 } : { 10: 5, 50: 3 }, prefill: quick ? 4 : 20 };
const BUDGET_SECONDS = 600;
const root = join(__dirname, "..", "..");
const resultsFile = join(root, "bench", "results.md");
const figuresFile = join(root, "bench", "results.json");

/** Read units of a consistent GetItem and write units of a PutItem (over an item of the same size) for an item of this size. */
const units = (bytes: number) => `${readUnits(bytes)} RCU + ${writeUnits(bytes)} WCU`;

const progress = (line: string) => process.stderr.write(`[bench ${((now() - started) / 1000).toFixed(0).padStart(3)} s] ${line}\n`);
const started = now();
const loadAtStart = load1();

async function main() {
  const bundleConfig = readBundleConfig(); // read first: a serverless.yml we cannot use fails before minutes of work
  const stack = await startStack();
  const storeDescription = stack.store.embedded
    ? `embedded dynalite ${(require("dynalite/package.json") as { version: string }).version} in the bench process, on loopback HTTP (fresh tables from infra/tables.yml)`
    : `AWS_ENDPOINT_URL_DYNAMODB=${stack.store.endpoint}`;
  let counts: CountResult[];
  let latency: LatencyResult[];
  let throughput: ThroughputRow[];
  let items: { ours: number; minimal: number };
  let longItems: { ours: number; minimal: number };
  let contention: ContentionRow[];
  try {
    progress(`store at ${stack.store.endpoint}; counting requests`);
    const all = scenarios(stack);
    counts = await countRequests(stack, all);
    progress("request counts done; measuring warm latency");
    latency = await measureLatency(stack, all, LATENCY, progress);
    items = await meanItemBytes(stack, ...bmKeys(Array.from({ length: LATENCY.conversations }, (_, c) => `bench-bm-${c}`)));
    throughput = await measureThroughput(stack, THROUGHPUT, progress);
    contention = await measureContention({ endpoint: stack.store.endpoint, tables: stack.tables }, CONTENTION, progress);
    // The single conversation of N = 1 got the most messages: its item is at the session bounds.
    longItems = await meanItemBytes(
      stack,
      bmKeys([`${conversationPrefix("ours", 1, 0)}-0`])[0],
      bmKeys([`${conversationPrefix("bare", 1, 0)}-0`], BARE_PLATFORM)[1],
    );
  } finally {
    await stack.close();
  }
  // After the stack: its own store and runtime, installed once the stack's is gone.
  const capacity = await measureCapacity(progress);
  let floorRuns = "";
  const bundles: BundleResult[] = await measureBundles(bundleConfig, LOAD_RUNS, progress, async (file) => void (floorRuns = await checkFloorBundle(file)));
  const runSeconds = (now() - started) / 1000;

  const summary = summarise(latency);
  const markdown = [
    "# Benchmark results (`npm run bench`)",
    "",
    ...(quick ? ["**BENCH_QUICK=1: a smoke run with few iterations; do not quote these figures.**", ""] : []),
    environment(storeDescription, CLIENT_DESCRIPTION, loadAtStart),
    `- bench run time: ${runSeconds.toFixed(0)} s`,
    "",
    "## a) Warm turn latency, in-process",
    "",
    `Each function's exported handler is called with an API Gateway v2 event (the shape of test/support/api-gateway.ts, a Lambda context with getRemainingTimeInMillis; the job worker with an SQS event), signed with the local secrets, against the embedded store. ` +
      `The floor (scripts/bench/minimal.ts: no middy, zod, engine or document client; parse JSON, one consistent GetItem + one conditional PutItem on the raw DynamoDBClient with attributes marshalled by hand, same sessions table, same client settings, answer JSON; no credential check, no rendering) gets the same events, its item padded to the size of ours in the same conversation (DynamoDB's bytes: what ours wrote at this turn when ours went first, at its previous turn otherwise; the "item KB" column compares the means). ` +
      `Beside it the same floor with a ${FLOOR_1K_BYTES}-byte item. ` +
      `${LATENCY.warmup} warm-up iterations, then up to ${LATENCY.iterations} measured per variant (at most ${LATENCY.maxSecondsPerScenario} s per scenario: the "turns each" column says how many); every iteration is a new message (new id) in one of ${LATENCY.conversations} conversations drawn at random (seeded), whose users follow a scripted dialog (greeting, products, a transfer they cancel, a free question, menu); ` +
      `the three variants rotate which goes first, iteration by iteration. Enqueued jobs are captured in memory (no SQS call is timed). Times in ms. Judged where ours sends within 0.3 requests per turn of the floor (the bank's ledger write on a cancelled transfer adds 0.25 on BM and Kommunicate).`,
    "",
    latencyTable(summary),
    "",
    `After the run, a BM conversation's item averages ${(items.ours / 1000).toFixed(1)} KB with ours (bounded history and recorded answers) and ${(items.minimal / 1000).toFixed(1)} KB with the floor (padded to ours); every turn reads and writes it whole. The "ms in DynamoDB client" column is the time inside the client's send: marshalling, signing, HTTP and dynalite's own work.`,
    "",
    "## b) DynamoDB requests per turn",
    "",
    "Commands counted by a middleware on the client (`initialize` step, as test/engine/request-count.test.ts): the first message of a new conversation, a further new message, and that message again (duplicate).",
    "",
    countTable(counts),
    "",
    "## c) Bundles as deployed, and module load time",
    "",
    `Each function of serverless.yml built with esbuild ${(require("esbuild/package.json") as { version: string }).version} and serverless.yml's custom.esbuild, read at run time (serverless-esbuild's own keys dropped, its defaults applied): \`${bundleConfig.described}\`. ` +
      `The floor is scripts/bench/floor-handler.ts (the floor's turn of a): GetItem + conditional PutItem on the raw DynamoDB client, nothing else) built the same way but with \`@aws-sdk/credential-provider-node\` aliased to scripts/bench/floor-credentials.ts, an environment-only \`defaultProvider\` (the only name the clients import from it): the smallest DynamoDB-only bundle that runs on Lambda. The reference row is the same handler with the SDK's default credential chain. The floor bundle ${floorRuns}. KB = 1000 bytes; gzip KB is gzip -9 of the bundle, close to the deployed zip. ` +
      `Load time: require() of the bundle timed inside a fresh \`node\` process (start-up excluded), median of ${LOAD_RUNS} runs, the functions alternating run by run.`,
    "",
    bundleTable(bundles),
    "",
    "## d) Throughput on loopback",
    "",
    `The real BM webhook behind the API Gateway stand-in (test/support/api-gateway.ts) on the embedded store, beside a bare node:http server doing the floor's store work (GetItem + conditional PutItem on the raw client, its item padded to the size of ours' in the conversation of the same index). ` +
      `N conversations at once, each sending new signed messages one after the other; ${THROUGHPUT.rounds} rounds of ${THROUGHPUT.durationMs} ms per variant and N (after ${THROUGHPUT.warmupMs} ms of warm-up), alternating which variant goes first. ` +
      `Client: ${CLIENT_DESCRIPTION}. Server, handlers and dynalite share the main thread.`,
    "",
    throughputTable(throughput),
    "",
    `The N = 1 conversation received every message of its run (a long conversation): its item ended at ${(longItems.ours / 1000).toFixed(1)} KB with ours (history and dedupe records at their bounds, lib/session/bounds.ts) against ${(longItems.minimal / 1000).toFixed(1)} KB for the bare server. ` +
      `In DynamoDB's units, a turn's consistent read and put of such an item cost ${units(longItems.ours)}; of the average item of a) ${units(items.ours)}.`,
    "",
    "## e) Write and read units per turn",
    "",
    ...capacitySection(capacity),
    "",
    "## f) Contention: turns at once on one BM dialog",
    "",
    `C messages of one Business Messenger dialog at the same instant, each in its own child process that loads functions/bm-webhook.ts with its own runtime and DynamoDB client and handles one request at a time (as concurrent requests land in separate Lambda containers: nothing in one process can order them). ` +
      `Each round first brings a fresh dialog to a realistic item with ${CONTENTION.prefill} turns one at a time ("a turn alone"), then all C containers invoke the handler with a signed API Gateway event at one start time. ` +
      `Reruns are session PutItems refused by their version condition, counted on each container's client; applied turns are the item's version increase. ${Object.entries(CONTENTION.rounds).map(([c, r]) => `${r} rounds at ${c}`).join(", ")}. ` +
      `"p99 / (turns × alone)" compares with every turn run one after the other with no rerun and no wait. The containers and the store share the machine's cores (in AWS each Lambda has its own).`,
    "",
    contentionTable(contention),
    "",
    "## Targets",
    "",
    ...targetLines(summary, counts, bundles, runSeconds, BUDGET_SECONDS),
    ...capacityTargetLines(capacity),
    ...contentionTargetLines(contention),
    "",
    "Every figure is also in bench/results.json (`{ name, value, unit, floor, ratio, target, met }`; a target bounds the ratio when there is a floor, else the value).",
    "",
  ].join("\n");
  const figures = [...collectFigures({ latency: summary, counts, bundles, capacity, runSeconds, budgetSeconds: BUDGET_SECONDS }), ...contentionFigures(contention)];
  assertFigures(figures);

  mkdirSync(join(root, "bench"), { recursive: true });
  writeFileSync(resultsFile, markdown);
  writeFileSync(figuresFile, `${JSON.stringify(figures, null, 2)}\n`);
  process.stdout.write(`${markdown}\nwritten to ${relative(process.cwd(), resultsFile) || resultsFile}\n`);
}

main().catch((err: unknown) => {
  process.stderr.write(`bench failed: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}\n`);
  process.exitCode = 1;
});
