/**
 * Amazon's DynamoDB Local, the reference the tests hold the embedded dynalite to (dynalite counts key length in
 * characters, ignores regions and has no transactions; DynamoDB Local behaves as DynamoDB does).
 *
 * The jar ships inside the npm package amplify-dynamodb-simulator. Installing that package would bring ~280
 * dependencies we never run, so this fetches only its tarball with `npm pack` (from the same registry as
 * `npm ci`), checks it against the integrity pinned below and unpacks `emulator/` into node_modules/.cache.
 * Needs Java 17+ (`apt-get install openjdk-17-jre-headless`).
 */
import { execFileSync, spawn, type ChildProcess } from "node:child_process";
import { createHash } from "node:crypto";
import { existsSync, mkdirSync, readFileSync, renameSync, rmSync } from "node:fs";
import { join } from "node:path";
import { DynamoDBClient, ListTablesCommand } from "@aws-sdk/client-dynamodb";
import { freePort } from "./ports";

const PACKAGE = "amplify-dynamodb-simulator@2.9.30";
/** The registry's integrity of that tarball (DynamoDB Local 1.25.1): a changed download is refused. */
const INTEGRITY = "sha512-xTeeRLvzEfqyd5lh3bH4c0kHvSHHmmhD5ZDsHFKAQ5g2Zl6JqlFdutaQhCLHzxEp6Ry1o7TB6niIoXuQAnSewQ==";
const CACHE = join(__dirname, "..", "node_modules", ".cache", "dynamodb-local", "2.9.30");
const READY_TIMEOUT_MS = 60_000;

export interface DynamoDbLocal {
  endpoint: string;
  close(): Promise<void>;
}

/** The folder holding DynamoDBLocal.jar and DynamoDBLocal_lib, fetched once and cached. */
export function dynamoDbLocalDir(): string {
  const emulator = join(CACHE, "emulator");
  if (existsSync(join(emulator, "DynamoDBLocal.jar"))) return emulator;
  const work = `${CACHE}.${process.pid}.tmp`;
  rmSync(work, { recursive: true, force: true });
  mkdirSync(work, { recursive: true });
  const [packed] = JSON.parse(execFileSync("npm", ["pack", PACKAGE, "--json", "--silent"], { cwd: work, encoding: "utf8" })) as Array<{ filename: string }>;
  const tarball = join(work, packed!.filename);
  const integrity = `sha512-${createHash("sha512").update(readFileSync(tarball)).digest("base64")}`;
  if (integrity !== INTEGRITY) throw new Error(`${PACKAGE}: integrity ${integrity} is not the pinned ${INTEGRITY}`);
  execFileSync("tar", ["xzf", tarball, "-C", work, "package/emulator"]);
  mkdirSync(CACHE, { recursive: true });
  rmSync(emulator, { recursive: true, force: true });
  renameSync(join(work, "package", "emulator"), emulator);
  rmSync(work, { recursive: true, force: true });
  return emulator;
}

function assertJava(): void {
  try {
    execFileSync("java", ["-version"], { stdio: "ignore" });
  } catch {
    throw new Error("DynamoDB Local needs Java 17 or newer on PATH (Debian: apt-get install openjdk-17-jre-headless)");
  }
}

/**
 * Starts DynamoDB Local in memory on a loopback port. Without -sharedDb it keeps one database per access key
 * and region, as DynamoDB keeps one per account and region: a region mismatch shows up here as it would in AWS.
 */
export async function startDynamoDbLocal(port?: number): Promise<DynamoDbLocal> {
  assertJava();
  const dir = dynamoDbLocalDir();
  const bound = port ?? (await freePort());
  const child: ChildProcess = spawn(
    "java",
    ["-Djava.library.path=./DynamoDBLocal_lib", "-jar", "DynamoDBLocal.jar", "-port", String(bound), "-inMemory", "-disableTelemetry"],
    { cwd: dir, stdio: ["ignore", "pipe", "pipe"] },
  );
  let output = "";
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  const endpoint = `http://127.0.0.1:${bound}`;
  const close = () =>
    new Promise<void>((resolve) => {
      if (child.exitCode !== null || child.signalCode !== null) return resolve();
      child.once("exit", () => resolve());
      child.kill("SIGTERM");
    });
  const client = new DynamoDBClient({ endpoint, region: "us-east-1", credentials: { accessKeyId: "probe", secretAccessKey: "probe" }, maxAttempts: 1 });
  try {
    for (const started = Date.now(); ; ) {
      if (child.exitCode !== null) throw new Error(`DynamoDB Local exited (code ${child.exitCode}): ${output.trim().slice(-500)}`);
      try {
        await client.send(new ListTablesCommand({}));
        break;
      } catch {
        if (Date.now() - started > READY_TIMEOUT_MS) throw new Error(`DynamoDB Local did not answer on ${endpoint} within ${READY_TIMEOUT_MS / 1000} s`);
        await new Promise((r) => setTimeout(r, 200));
      }
    }
  } catch (err) {
    await close();
    throw err;
  } finally {
    client.destroy();
  }
  return { endpoint, close };
}

/** `npm run dynamodb-local [-- PORT]`: DynamoDB Local in the foreground (default port 8000) until Ctrl-C. */
if (require.main === module) {
  const port = Number(process.argv[2] ?? process.env.DYNAMODB_LOCAL_PORT ?? 8000);
  startDynamoDbLocal(port).then(
    (local) => {
      console.log(`DynamoDB Local (in memory) at ${local.endpoint}\n  AWS_ENDPOINT_URL_DYNAMODB=${local.endpoint} npm start\nCtrl-C stops it.`);
      const stop = () => void local.close().then(() => process.exit(0));
      process.on("SIGINT", stop);
      process.on("SIGTERM", stop);
    },
    (err: Error) => {
      console.error(`dynamodb-local: ${err.message}`);
      process.exit(1);
    },
  );
}
