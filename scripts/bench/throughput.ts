import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { Worker } from "node:worker_threads";
import { handler as bmWebhook } from "../../functions/bm-webhook";
import { localSecrets } from "../../test/support/local-secrets";
import { startLocalApi } from "../../test/support/api-gateway";
import { sessionKey } from "../../lib/session/session";
import { minimalTurn } from "./minimal";
import { bmKey, SCRIPT } from "./scenarios";
import type { Stack } from "./setup";

/**
 * d) Throughput on loopback: the real BM webhook behind the API Gateway stand-in (test/support/api-gateway.ts)
 * on the embedded store, beside a bare node:http server doing the same store work as the minimal handler
 * (parse, consistent GetItem, conditional PutItem of an item padded to the size of ours' in the same conversation). The client (load-client.mjs) runs in a worker thread:
 * N conversations at once, each sending new signed messages one after the other, for a fixed time.
 * Rounds alternate which variant goes first.
 */
export interface ThroughputOptions {
  concurrency: number[];
  rounds: number;
  warmupMs: number;
  durationMs: number;
}

export interface LoadResult {
  latencies: number[];
  errors: number;
  statuses: Record<string, number>;
  durationMs: number;
}

export interface ThroughputRow {
  concurrency: number;
  ours: LoadResult;
  bare: LoadResult;
}

/** Conversation ids of one load run: `${prefix}-${c}` (load-client.mjs). */
export const conversationPrefix = (variant: "ours" | "bare", n: number, round: number) => `tp-${variant}-${n}-${round}`;
export const BARE_PLATFORM = "bare-bm";

export const CLIENT_DESCRIPTION = "node:http client with a keep-alive http.Agent (maxSockets = N) in a worker thread; no extra dependency";

function load(port: number, concurrency: number, prefix: string, options: ThroughputOptions): Promise<LoadResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(join(__dirname, "load-client.mjs"), {
      workerData: { port, path: "/bm/webhook", concurrency, warmupMs: options.warmupMs, durationMs: options.durationMs, key: localSecrets.BM_SIGNATURE_KEY, prefix, script: SCRIPT },
    });
    worker.once("message", (m: LoadResult) => resolve(m));
    worker.once("error", reject);
  });
}

interface BareServer {
  port: number;
  /** Bytes to pad a conversation's item to (by its dialogUuid). */
  padFor: (dialog: string) => number;
  close(): Promise<void>;
}

function startBareServer(stack: Stack): Promise<BareServer> {
  const state = { padFor: (_dialog: string) => 0 };
  const server: Server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", async () => {
      try {
        const raw = Buffer.concat(chunks).toString("utf8");
        const key = bmKey(JSON.parse(raw), raw);
        const out = await minimalTurn(stack.minimal, BARE_PLATFORM, key, state.padFor(key.conversation));
        res.writeHead(200, { "content-type": "application/json" }).end(JSON.stringify(out));
      } catch (err) {
        res.writeHead(503, { "content-type": "application/json" }).end(JSON.stringify({ error: String(err) }));
      }
    });
  });
  return new Promise((resolve) =>
    server.listen(0, "127.0.0.1", () =>
      resolve({
        port: (server.address() as AddressInfo).port,
        get padFor() {
          return state.padFor;
        },
        set padFor(f) {
          state.padFor = f;
        },
        close: () => new Promise((r) => (server.closeAllConnections(), server.close(() => r()))),
      }),
    ),
  );
}

const merge = (a: LoadResult | undefined, b: LoadResult): LoadResult =>
  a
    ? {
        latencies: a.latencies.concat(b.latencies),
        errors: a.errors + b.errors,
        statuses: Object.fromEntries([...new Set([...Object.keys(a.statuses), ...Object.keys(b.statuses)])].map((k) => [k, (a.statuses[k] ?? 0) + (b.statuses[k] ?? 0)])),
        durationMs: a.durationMs + b.durationMs,
      }
    : b;

export async function measureThroughput(stack: Stack, options: ThroughputOptions, progress: (line: string) => void): Promise<ThroughputRow[]> {
  const api = await startLocalApi({ "POST /bm/webhook": bmWebhook as never });
  const bare = await startBareServer(stack);
  const apiPort = Number(new URL(api.url).port);
  const rows: ThroughputRow[] = [];
  try {
    for (const n of options.concurrency) {
      let ours: LoadResult | undefined;
      let plain: LoadResult | undefined;
      for (let round = 0; round < options.rounds; round++) {
        const order = round % 2 === 0 ? (["ours", "bare"] as const) : (["bare", "ours"] as const);
        for (const variant of order) {
          const prefix = conversationPrefix(variant, n, round);
          if (variant === "ours") ours = merge(ours, await load(apiPort, n, prefix, options));
          else {
            // Conversation c of the bare server carries the item of ours' conversation c (this round's, else the last one's).
            const oursPrefix = conversationPrefix("ours", n, order[0] === "ours" ? round : round - 1);
            bare.padFor = (dialog) => stack.oursItems.byKey.get(sessionKey("bm", `${oursPrefix}-${dialog.slice(dialog.lastIndexOf("-") + 1)}`)) ?? 0;
            plain = merge(plain, await load(bare.port, n, prefix, options));
          }
        }
      }
      rows.push({ concurrency: n, ours: ours!, bare: plain! });
      progress(`throughput: N=${n} done`);
    }
  } finally {
    await api.close();
    await bare.close();
  }
  return rows;
}
