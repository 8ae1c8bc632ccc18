import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { createServer, request, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { startEmbeddedDynamo, type LocalStore } from "../../scripts/local-store";
import { freePort } from "../../scripts/ports";
import { waitForHealth } from "../../scripts/wait-for-health";
import { bmTextRequest } from "../platforms/business-messenger/fixtures";
import { postBm } from "../support/bm-client";

/**
 * `npm start` against a "real" DynamoDB with a named profile: the functions are the deployed bundles, which read
 * credentials from the environment only, so npm start resolves the profile once with the SDK's full chain and
 * hands the functions its keys. A recording proxy in front of the store sees every request's signature: the
 * functions' own requests must be signed with the profile's key and carry its session token; no secret is printed.
 */
jest.setTimeout(180_000);

const PROFILE = "onebot-profile-test";
const KEY_ID = "AKIDPROFILE9d41c7";
const SECRET = "profile-secret-3e8f0a";
const TOKEN = "profile-session-token-b6c2d5";
/** What npm start itself asks of the store (its tables); everything else comes from the functions. */
const STACK_TARGETS = ["DescribeTable", "CreateTable", "UpdateTimeToLive"];

let dir: string;
let store: LocalStore;
let proxy: Server;
const seen: Array<{ target: string; keyId: string; token: string | undefined }> = [];
let child: ChildProcess;
let base: string;
let output = "";

/** Forwards every request to the store, noting its target, the signing key id and the session token. */
function recordingProxy(target: string): Promise<{ server: Server; url: string }> {
  const to = new URL(target);
  const server = createServer((req, res) => {
    seen.push({
      target: String(req.headers["x-amz-target"] ?? "").split(".").pop() ?? "",
      keyId: /Credential=([^/]+)\//.exec(String(req.headers.authorization ?? ""))?.[1] ?? "",
      token: req.headers["x-amz-security-token"] as string | undefined,
    });
    const upstream = request({ host: to.hostname, port: to.port, method: req.method, path: req.url, headers: req.headers, agent: false }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on("error", () => res.writeHead(502).end());
    req.pipe(upstream);
  });
  return new Promise((resolve) => server.listen(0, "127.0.0.1", () => resolve({ server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` })));
}

beforeAll(async () => {
  dir = mkdtempSync(join(tmpdir(), "onebot-profile-"));
  writeFileSync(join(dir, "credentials"), `[${PROFILE}]\naws_access_key_id = ${KEY_ID}\naws_secret_access_key = ${SECRET}\naws_session_token = ${TOKEN}\n`);
  writeFileSync(join(dir, "config"), `[profile ${PROFILE}]\nregion = eu-central-1\n`);
  store = await startEmbeddedDynamo();
  const recorded = await recordingProxy(store.endpoint);
  proxy = recorded.server;
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    PORT: String(port),
    HOME: dir,
    AWS_PROFILE: PROFILE,
    AWS_SHARED_CREDENTIALS_FILE: join(dir, "credentials"),
    AWS_CONFIG_FILE: join(dir, "config"),
    AWS_ENDPOINT_URL_DYNAMODB: recorded.url,
    SESSIONS_TABLE: `profile-${port}-sessions`,
    EVENTS_TABLE: `profile-${port}-events`,
    TWOWAY_OUTBOUND_URL: "http://127.0.0.1:9/unused",
    ONEBOT_STACK_FILE: join(dir, "stack.json"),
  };
  for (const name of ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY", "AWS_SESSION_TOKEN", "BOT_STAGE", "POWERTOOLS_LOG_LEVEL", "BM_SIGNATURE_KEY"]) delete env[name];
  child = spawn("npm", ["start"], { cwd: join(__dirname, "..", ".."), env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  await waitForHealth(`${base}/health`, 150_000);
  for (let waited = 0; !output.includes("Ready.") && waited < 10_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
});

afterAll(async () => {
  if (child?.pid !== undefined && child.exitCode === null) {
    const gone = new Promise((resolve) => child.once("exit", resolve));
    try {
      process.kill(-child.pid, "SIGINT");
    } catch {
      // already gone
    }
    let timer: NodeJS.Timeout | undefined;
    await Promise.race([gone, new Promise((r) => (timer = setTimeout(r, 10_000)))]);
    clearTimeout(timer);
    try {
      process.kill(-child.pid, "SIGKILL");
    } catch {
      // stopped
    }
  }
  child?.stdout?.destroy();
  child?.stderr?.destroy();
  proxy?.closeAllConnections();
  await new Promise((resolve) => proxy?.close(resolve));
  await store?.close();
  rmSync(dir, { recursive: true, force: true });
});

test("the functions sign their DynamoDB requests with the profile's key and session token, resolved once by npm start", async () => {
  const answer = await postBm(`${base}/bm/webhook`, bmTextRequest("hi", { dialogUuid: `profile-${Date.now()}`, providerMsgID: "profile-1" }));
  expect(answer.status).toBe(200);
  const fromFunctions = seen.filter((r) => !STACK_TARGETS.includes(r.target));
  expect(fromFunctions.length).toBeGreaterThan(0);
  for (const r of seen) expect(r).toEqual({ target: r.target, keyId: KEY_ID, token: TOKEN });
  expect(output).toContain(`AWS credentials of profile ${PROFILE} resolved for the functions`);
});

test("npm start never prints the profile's secret or token", () => {
  expect(output).not.toContain(SECRET);
  expect(output).not.toContain(TOKEN);
});
