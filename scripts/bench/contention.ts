import "./env";
import { fork, type ChildProcess } from "node:child_process";
import { randomUUID } from "node:crypto";
import { loadavg } from "node:os";
import { ConditionalCheckFailedException, DynamoDBClient, GetItemCommand } from "@aws-sdk/client-dynamodb";
import { localSecrets } from "../../test/support/local-secrets";
import { bmRequest } from "../../test/platforms/business-messenger/fixtures";
import { signBmBody } from "../../lib/platforms/business-messenger/verify";
import { apiEvent, lambdaContext } from "./events";
import { figure, type Figure } from "./results-json";
import { percentile } from "./stats";

/**
 * f) Contention: C turns at the same moment on ONE Business Messenger dialog, each in its own Lambda container.
 *
 * In AWS, concurrent requests for one conversation land in separate Lambda instances: nothing in one process can
 * order them, only the conversation's item can. So every turn here runs in its own child process (this file, run
 * with BENCH_CONTENTION_INSTANCE=1), which loads functions/bm-webhook.ts as a Lambda container does, with its own
 * runtime and DynamoDB client, and handles one request at a time. The store is the bench's embedded one (in the
 * parent process), shared by all of them as DynamoDB is.
 *
 * Per round: a fresh dialog is first brought to a realistic item (PREFILL sequential turns), then C containers
 * receive one new signed message each and invoke the real handler at the same instant (a start time sent ahead).
 * Reruns are counted where they cost: session PutItems refused by their version condition
 * (ConditionalCheckFailedException), by a middleware on each container's client. Applied turns are the
 * dialog's version increase over the round. Latency is the handler's own time, as the caller (BM) waits for it.
 */
export interface ContentionOptions {
  concurrency: number[];
  /** Rounds per concurrency (each on a fresh dialog). */
  rounds: Record<number, number>;
  /** Sequential turns that bring each round's dialog to a realistic item size first. */
  prefill: number;
}

export interface ContentionRow {
  concurrency: number;
  rounds: number;
  requests: number;
  /** Turns committed (the dialogs' version increase). */
  applied: number;
  /** Session writes refused by their version condition: each is a turn run again (read, bot, write). */
  conflicts: number;
  reruns: number;
  p50: number;
  p99: number;
  max: number;
  /** Answers later than BM's reply budget. */
  overBudget: number;
  statuses: Record<string, number>;
  load: string;
  /** Median of the prefill turns (one at a time, same containers and dialogs): a turn alone. */
  aloneP50: number;
  /** The first failure's status and body, for the report. */
  firstError?: string;
}

/** BM waits this long for the webhook's answer (lib/platforms/business-messenger/settings.ts BM_REPLY_BUDGET_MS). */
const BM_BUDGET_MS = 5_000;

const CHANNEL = "Viber";
/** The bench's dialog messages (free text and menu words: none reaches the bank's account item). */
const TEXTS = ["hi", "Products", "What are your opening hours?", "menu"] as const;

function bmBody(dialogUuid: string, text: string): string {
  return JSON.stringify(
    bmRequest(
      { content: text },
      { channel: CHANNEL, dialogUuid, providerMsgID: randomUUID(), from: "41791000000", contact: { uuid: `contact-${dialogUuid}`, first_name: "Ana", mobile: "41791000000", language: "de", email: null } },
    ),
  );
}

// ---------------------------------------------------------------- the container (child process)

interface TurnMessage {
  type: "turn";
  seq: number;
  body: string;
  /** Epoch ms at which to invoke the handler (all containers of a round share it). */
  startAt: number;
}
interface TurnReply {
  type: "done";
  seq: number;
  status: number;
  ms: number;
  conflicts: number;
  error?: string;
}

async function container(): Promise<void> {
  const { createDocumentClient } = await import("../../lib/session/dynamo");
  const { createRuntime, useRuntime } = await import("../../lib/runtime");
  const { userBot } = await import("../../app/runtime");
  const { handler } = await import("../../functions/bm-webhook");
  const doc = createDocumentClient(process.env.AWS_ENDPOINT_URL_DYNAMODB);
  let conflicts = 0;
  doc.middlewareStack.add(
    (next, context) => async (args) => {
      try {
        return await next(args);
      } catch (err) {
        const pk = (args.input as { Item?: { pk?: { S?: string } } }).Item?.pk?.S;
        if (context.commandName === "PutItemCommand" && err instanceof ConditionalCheckFailedException && pk?.startsWith("conv#")) conflicts++;
        throw err;
      }
    },
    { step: "initialize", name: "benchContentionConflicts" },
  );
  useRuntime(createRuntime({ userBot, doc }));
  const send = (m: TurnReply | { type: "ready" }) => process.send!(m);
  process.on("message", async (m: TurnMessage | { type: "exit" }) => {
    if (m.type === "exit") {
      doc.destroy();
      process.disconnect();
      return;
    }
    const event = { ...apiEvent({ method: "POST", path: "/bm/webhook", route: "POST /bm/webhook", headers: { "content-type": "application/json", "x-bm-signature": signBmBody(m.body, localSecrets.BM_SIGNATURE_KEY) }, body: m.body }) };
    const before = conflicts;
    await new Promise((r) => setTimeout(r, Math.max(0, m.startAt - Date.now())));
    const context = lambdaContext("bmWebhook");
    event.requestContext.timeEpoch = Date.now();
    const t0 = performance.now();
    try {
      const out = (await handler(event as never, context)) as { statusCode: number; body?: string };
      const ms = performance.now() - t0;
      send({ type: "done", seq: m.seq, status: out.statusCode, ms, conflicts: conflicts - before, ...(out.statusCode >= 500 ? { error: out.body ?? "" } : {}) });
    } catch (err) {
      send({ type: "done", seq: m.seq, status: 0, ms: performance.now() - t0, conflicts: conflicts - before, error: String(err) });
    }
  });
  send({ type: "ready" });
}

// ---------------------------------------------------------------- the bench side

interface Container {
  child: ChildProcess;
  turn(body: string, startAt: number): Promise<TurnReply>;
}

function startContainer(env: NodeJS.ProcessEnv): Promise<Container> {
  const child = fork(__filename, [], { env: { ...env, BENCH_CONTENTION_INSTANCE: "1" }, stdio: ["ignore", "ignore", "inherit", "ipc"] });
  let seq = 0;
  const waiting = new Map<number, (r: TurnReply) => void>();
  return new Promise((resolve, reject) => {
    child.once("error", reject);
    child.once("exit", (code) => reject(new Error(`contention container exited with ${code} before it was ready`)));
    child.on("message", (m: TurnReply | { type: "ready" }) => {
      if (m.type === "ready") {
        child.removeAllListeners("exit");
        resolve({
          child,
          turn: (body, startAt) =>
            new Promise<TurnReply>((done) => {
              const s = ++seq;
              waiting.set(s, done);
              child.send({ type: "turn", seq: s, body, startAt } satisfies TurnMessage);
            }),
        });
      } else waiting.get(m.seq)?.(m), waiting.delete(m.seq);
    });
  });
}

async function version(client: DynamoDBClient, table: string, dialogUuid: string): Promise<number> {
  const out = await client.send(new GetItemCommand({ TableName: table, Key: { pk: { S: `conv#bm#${dialogUuid}` } }, ConsistentRead: true }));
  return Number(out.Item?.version?.N ?? 0);
}

/** f) of the bench: the store at `endpoint` with the given tables (the bench's own), C containers per concurrency. */
export async function measureContention(
  store: { endpoint: string; tables: { SESSIONS_TABLE: string; EVENTS_TABLE: string } },
  options: ContentionOptions,
  progress: (line: string) => void,
): Promise<ContentionRow[]> {
  const env = { ...process.env, ...store.tables, ...localSecrets, AWS_ENDPOINT_URL_DYNAMODB: store.endpoint, BOT_STAGE: "local", AI_BASE_URL: "" };
  const most = Math.max(...options.concurrency);
  const containers: Container[] = [];
  const client = new DynamoDBClient({ endpoint: store.endpoint });
  try {
    // Started a few at a time: 50 Node processes starting at once on 2 cores measure nothing but their start.
    for (let i = 0; i < most; i += 5) containers.push(...(await Promise.all(Array.from({ length: Math.min(5, most - i) }, () => startContainer(env)))));
    // Warm: each container's first turn (module init, connections) on a dialog of its own, as a warm Lambda.
    await Promise.all(containers.map((c, i) => c.turn(bmBody(`contention-warm-${i}`, "hi"), 0)));
    progress(`contention: ${containers.length} containers warm`);

    const rows: ContentionRow[] = [];
    for (const concurrency of options.concurrency) {
      const rounds = options.rounds[concurrency] ?? 1;
      const row: ContentionRow = { concurrency, rounds, requests: 0, applied: 0, conflicts: 0, reruns: NaN, p50: NaN, p99: NaN, max: NaN, overBudget: 0, statuses: {}, load: loadavg()[0]!.toFixed(2), aloneP50: NaN };
      const ms: number[] = [];
      const alone: number[] = [];
      for (let round = 0; round < rounds; round++) {
        const dialog = `contention-${concurrency}-${round}-${randomUUID().slice(0, 8)}`;
        for (let i = 0; i < options.prefill; i++) alone.push((await containers[i % containers.length]!.turn(bmBody(dialog, TEXTS[i % TEXTS.length]!), 0)).ms);
        const start = await version(client, store.tables.SESSIONS_TABLE, dialog);
        const bodies = Array.from({ length: concurrency }, (_, i) => bmBody(dialog, TEXTS[i % TEXTS.length]!));
        const startAt = Date.now() + 200;
        const replies = await Promise.all(bodies.map((body, i) => containers[i]!.turn(body, startAt)));
        row.applied += (await version(client, store.tables.SESSIONS_TABLE, dialog)) - start;
        for (const r of replies) {
          row.requests++;
          row.conflicts += r.conflicts;
          row.statuses[String(r.status)] = (row.statuses[String(r.status)] ?? 0) + 1;
          if (r.ms > BM_BUDGET_MS) row.overBudget++;
          if (r.error && !row.firstError) row.firstError = `${r.status}: ${r.error}`.slice(0, 300);
          ms.push(r.ms);
        }
      }
      row.reruns = row.conflicts / row.applied;
      row.p50 = percentile(ms, 50);
      row.p99 = percentile(ms, 99);
      row.max = Math.max(...ms);
      row.aloneP50 = percentile(alone, 50);
      row.load += ` → ${loadavg()[0]!.toFixed(2)}`;
      rows.push(row);
      progress(`contention: ${concurrency} at once, ${rounds} rounds: ${row.reruns.toFixed(2)} reruns per applied turn, p99 ${row.p99.toFixed(0)} ms, statuses ${JSON.stringify(row.statuses)}${row.firstError ? `; first failure ${row.firstError}` : ""}`);
    }
    return rows;
  } finally {
    client.destroy();
    for (const c of containers) {
      if (c.child.connected) c.child.send({ type: "exit" });
    }
    await Promise.all(containers.map((c) => (c.child.exitCode !== null ? undefined : new Promise((r) => c.child.once("exit", r)))));
  }
}

/** The markdown table of f). */
export function contentionTable(rows: ContentionRow[]): string {
  const head = ["turns at once", "rounds", "requests", "applied", "reruns per applied turn", "p50 ms", "p99 ms", "max ms", "a turn alone p50 ms", "p99 / (turns × alone)", `over ${BM_BUDGET_MS / 1000} s`, "503", "other statuses", "load (1 min)"];
  const lines = rows.map((r) => {
    const other = Object.entries(r.statuses).filter(([s]) => s !== "200" && s !== "503");
    return [
      String(r.concurrency),
      String(r.rounds),
      String(r.requests),
      String(r.applied),
      r.reruns.toFixed(2),
      r.p50.toFixed(0),
      r.p99.toFixed(0),
      r.max.toFixed(0),
      r.aloneP50.toFixed(1),
      `${(r.p99 / (r.concurrency * r.aloneP50)).toFixed(2)}×`,
      String(r.overBudget),
      String(r.statuses["503"] ?? 0),
      other.length ? other.map(([s, n]) => `${s}: ${n}`).join(", ") : "none",
      r.load,
    ];
  });
  const failures = rows.filter((r) => r.firstError).map((r) => `- ${r.concurrency} at once, first failure: ${r.firstError}`);
  return [`| ${head.join(" | ")} |`, `|${head.map(() => "---:").join("|")}|`, ...lines.map((l) => `| ${l.join(" | ")} |`), ...(failures.length ? ["", ...failures] : [])].join("\n");
}

/** Targets at the highest concurrency: no 503 and p99 within BM's budget. */
export function contentionTargetLines(rows: ContentionRow[]): string[] {
  const top = rows[rows.length - 1];
  if (!top) return [];
  const busy = top.statuses["503"] ?? 0;
  const line = (met: boolean, text: string) => `- ${met ? "met" : "**not met**"}: ${text}`;
  return [
    line(busy === 0, `no 503 with ${top.concurrency} turns at once on one BM dialog: ${busy} of ${top.requests}`),
    line(top.p99 <= BM_BUDGET_MS, `p99 within BM's ${BM_BUDGET_MS / 1000} s budget with ${top.concurrency} turns at once: ${top.p99.toFixed(0)} ms (${top.reruns.toFixed(2)} reruns per applied turn)`),
  ];
}

/** bench/results.json: per concurrency; at the highest, p99 ≤ BM's budget and no 503 are targets. */
export function contentionFigures(rows: ContentionRow[]): Figure[] {
  const top = Math.max(...rows.map((r) => r.concurrency));
  return rows.flatMap((r) => {
    const name = `contention.bm.${r.concurrency}_at_once`;
    const judged = r.concurrency === top;
    const other = Object.entries(r.statuses).filter(([s]) => s !== "200" && s !== "503").reduce((sum, [, k]) => sum + k, 0);
    return [
      figure(`${name}.applied_turns`, r.applied, "turns"),
      figure(`${name}.reruns_per_applied_turn`, r.reruns, "reruns"),
      figure(`${name}.p50`, r.p50, "ms"),
      figure(`${name}.p99`, r.p99, "ms", { target: judged ? BM_BUDGET_MS : null }),
      // Against the ideal serialisation: every turn one after the other, none rerun, no wait between them.
      figure(`${name}.p99_vs_serial`, r.p99, "ms", { floor: r.concurrency * r.aloneP50 }),
      figure(`${name}.over_budget`, r.overBudget, "answers"),
      figure(`${name}.503s`, r.statuses["503"] ?? 0, "answers", { target: judged ? 0 : null }),
      figure(`${name}.other_statuses`, other, "answers"),
    ];
  });
}

if (process.env.BENCH_CONTENTION_INSTANCE === "1") {
  container().catch((err: unknown) => {
    process.stderr.write(`contention container failed: ${String(err)}\n`);
    process.exit(1);
  });
} else if (require.main === module) {
  // `tsx scripts/bench/contention.ts`: this section alone, on its own embedded store (a quick look while tuning).
  void (async () => {
    const { openStore, ensureTables } = await import("../local-store");
    const local = await openStore();
    const suffix = randomUUID().slice(0, 8);
    const tables = { SESSIONS_TABLE: `bench-${suffix}-sessions`, EVENTS_TABLE: `bench-${suffix}-events` };
    await ensureTables(local.endpoint, tables);
    const concurrency = (process.env.CONTENTION ?? "10,50").split(",").map(Number);
    const rounds = Number(process.env.CONTENTION_ROUNDS ?? 3);
    try {
      const rows = await measureContention({ endpoint: local.endpoint, tables }, { concurrency, rounds: Object.fromEntries(concurrency.map((c) => [c, rounds])), prefill: 20 }, (l) => process.stderr.write(`${l}\n`));
      process.stdout.write(`${contentionTable(rows)}\n${contentionTargetLines(rows).join("\n")}\n`);
    } finally {
      await local.close();
    }
  })();
}
