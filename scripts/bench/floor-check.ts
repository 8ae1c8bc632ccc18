import { execFile } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { promisify } from "node:util";
import { GetItemCommand } from "@aws-sdk/client-dynamodb";
import { ensureTables, startEmbeddedDynamo } from "../local-store";
import { itemBytes } from "./capacity";
import { minimalKey } from "./minimal";
import { rawClient } from "./setup";

/**
 * Proves the floor bundle runs as Lambda runs it: required in a fresh Node process whose only credentials are
 * the environment variables Lambda sets (HOME an empty folder: no ~/.aws), its handler called against an
 * embedded store: two messages and a duplicate, the item padded to a size. Without those variables it must
 * fail with the environment provider's own error (so the SDK's default chain is really gone).
 */
const run = promisify(execFile);
const PAD = 5000;

const SCRIPT = `
const bundle = require(process.argv[1]);
(async () => {
  const out = [];
  for (const [messageId, padTo] of [["m1", ${PAD}], ["m2", ${PAD}], ["m1", ${PAD}]]) {
    const r = await bundle.handler({ conversation: "check", messageId, text: "hi", padTo });
    out.push(JSON.parse(r.body).duplicate);
  }
  process.stdout.write(JSON.stringify(out));
})().catch((e) => { process.stdout.write("ERROR " + String(e && e.message)); process.exitCode = 1; });`;

export async function checkFloorBundle(file: string): Promise<string> {
  const store = await startEmbeddedDynamo();
  const home = mkdtempSync(join(tmpdir(), "onebot-floor-home-"));
  const tables = { SESSIONS_TABLE: "floor-check-sessions", EVENTS_TABLE: "floor-check-events" };
  const client = rawClient(store.endpoint);
  try {
    await ensureTables(store.endpoint, tables);
    const base = { PATH: process.env.PATH ?? "", HOME: home, AWS_REGION: "us-east-1", AWS_ENDPOINT_URL_DYNAMODB: store.endpoint, SESSIONS_TABLE: tables.SESSIONS_TABLE };
    const creds = { AWS_ACCESS_KEY_ID: "ASIAFLOORCHECK", AWS_SECRET_ACCESS_KEY: "floor-secret", AWS_SESSION_TOKEN: "floor-token" };
    const { stdout } = await run(process.execPath, ["-e", SCRIPT, file], { env: { ...base, ...creds } });
    if (stdout !== "[false,false,true]") throw new Error(`floor bundle: unexpected answers ${stdout}`);
    const { Item } = await client.send(new GetItemCommand({ TableName: tables.SESSIONS_TABLE, Key: { pk: { S: minimalKey("floor", "check", "floor") } }, ConsistentRead: true }));
    if (!Item || itemBytes(Item) !== PAD) throw new Error(`floor bundle: item of ${Item ? itemBytes(Item) : 0} bytes, not ${PAD}`);
    const without = await run(process.execPath, ["-e", SCRIPT, file], { env: base }).then(
      (r) => r.stdout,
      (e: { stdout?: string }) => e.stdout ?? "",
    );
    if (!without.includes("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set")) throw new Error(`floor bundle without credentials: ${without}`);
    return `runs: in a fresh node process with only Lambda's environment credentials (HOME empty), two messages and a duplicate against an embedded dynalite answered [new, new, duplicate] and left a ${PAD}-byte item; without the variables it fails with the environment provider's error`;
  } finally {
    client.destroy();
    rmSync(home, { recursive: true, force: true });
    await store.close();
  }
}
