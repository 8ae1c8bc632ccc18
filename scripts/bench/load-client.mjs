// The load generator of `npm run bench` (scripts/bench/throughput.ts), run in a worker thread so it does
// not share the server's event loop. Plain JavaScript: node:http with a keep-alive Agent, no dependency.
// N conversations run concurrently; each sends its messages one after the other, every one a new,
// signed Business Messenger message (base64 HMAC-SHA512 of the raw body, as lib/platforms/business-messenger/verify.ts).
import { createHmac, randomUUID } from "node:crypto";
import http from "node:http";
import { parentPort, workerData } from "node:worker_threads";

const { port, path, concurrency, warmupMs, durationMs, key, prefix, script } = workerData;
const agent = new http.Agent({ keepAlive: true, maxSockets: concurrency });

function post(body, signature) {
  return new Promise((resolve, reject) => {
    const req = http.request(
      {
        host: "127.0.0.1",
        port,
        path,
        method: "POST",
        agent,
        headers: { "content-type": "application/json", "content-length": Buffer.byteLength(body), "x-bm-signature": signature },
      },
      (res) => {
        res.on("data", () => {});
        res.on("end", () => resolve(res.statusCode));
        res.on("error", reject);
      },
    );
    req.on("error", reject);
    req.end(body);
  });
}

const started = performance.now();
const measureFrom = started + warmupMs;
const end = measureFrom + durationMs;
const latencies = [];
const statuses = {};
let errors = 0;

async function conversation(c) {
  const phone = `4179${1_000_000 + c}`;
  for (let seq = 0; performance.now() < end; seq++) {
    const body = JSON.stringify({
      serviceUuid: "5b0e7c3a-1d2e-4f5a-9b6c-7d8e9f0a1b2c",
      dialogUuid: `${prefix}-${c}`,
      channel: "Viber",
      message: {
        from: phone,
        to: [{ number: "41790000000", alias: "ACME" }],
        allowedChannels: ["viber", "sms"],
        custom: [],
        body: { content: script[seq % script.length] },
        providerMsgID: randomUUID(),
      },
      contact: { uuid: `contact-${c}`, first_name: "Ana", mobile: phone, language: "de", email: null },
    });
    const signature = createHmac("sha512", key).update(body).digest("base64");
    const t0 = performance.now();
    let status;
    try {
      status = await post(body, signature);
    } catch {
      status = "network error";
    }
    const t1 = performance.now();
    // Completions inside the measured window count (and their latencies), whenever they started.
    if (t1 < measureFrom || t1 > end) continue;
    statuses[status] = (statuses[status] ?? 0) + 1;
    if (status !== 200) errors++;
    else latencies.push(t1 - t0);
  }
}

await Promise.all(Array.from({ length: concurrency }, (_, c) => conversation(c)));
agent.destroy();
parentPort.postMessage({ latencies, errors, statuses, durationMs });
