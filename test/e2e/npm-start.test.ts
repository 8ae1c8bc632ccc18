import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { dirname, join } from "node:path";
import { freePort } from "../../scripts/ports";
import { waitForHealth } from "../../scripts/wait-for-health";
import { bmTextRequest } from "../platforms/business-messenger/fixtures";
import { contents, postBm } from "../support/bm-client";
import { startRecordingServer, type RecordingServer } from "../support/recording-server";

/**
 * The local stack as a user runs it: `npm start` (embedded dynalite + serverless-offline + esbuild bundles),
 * then real signed requests, then Ctrl-C (SIGINT to the process group, as a terminal sends it). In the
 * DynamoDB Local pass of `npm test` (AWS_ENDPOINT_URL_DYNAMODB set, AWS_REGION not serverless.yml's default),
 * the same stack runs on Amazon's DynamoDB Local, as a user who points npm start at it would.
 */
jest.setTimeout(180_000);

let child: ChildProcess;
let base: string;
let output = "";
let exited: Promise<number | null>;
let cm: RecordingServer;
let stackFile: string;
/** Set by scripts/test-dynamodb-local.ts; undefined = npm start embeds its own dynalite. */
const externalStore = process.env.AWS_ENDPOINT_URL_DYNAMODB;

beforeAll(async () => {
  const port = await freePort();
  base = `http://127.0.0.1:${port}`;
  cm = await startRecordingServer((_req, res) => void res.writeHead(201, { "content-type": "application/json" }).end("{}"));
  stackFile = join(mkdtempSync(join(tmpdir(), "onebot-e2e-")), "stack.json");
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), TWOWAY_OUTBOUND_URL: `${cm.url}/v2/accounts/tl/adapters/ad`, ONEBOT_STACK_FILE: stackFile };
  for (const name of ["AWS_ENDPOINT_URL_DYNAMODB", "BOT_STAGE", "POWERTOOLS_LOG_LEVEL", "SESSIONS_TABLE", "EVENTS_TABLE", "BM_SIGNATURE_KEY"]) delete env[name];
  if (externalStore) Object.assign(env, { AWS_ENDPOINT_URL_DYNAMODB: externalStore, SESSIONS_TABLE: `e2e-${port}-sessions`, EVENTS_TABLE: `e2e-${port}-events` });
  child = spawn("npm", ["start"], { cwd: join(__dirname, "..", ".."), env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  child.stdout!.on("data", (d: Buffer) => (output += d.toString()));
  child.stderr!.on("data", (d: Buffer) => (output += d.toString()));
  exited = new Promise((resolve) => child.on("exit", (code) => resolve(code)));
  await waitForHealth(`${base}/health`, 150_000);
  // npm start prints its endpoint table once it has seen /health answer: wait for its "Ready." line.
  for (let waited = 0; !output.includes("Ready.") && waited < 10_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
});

afterAll(async () => {
  await cm.close();
  rmSync(dirname(stackFile), { recursive: true, force: true });
  if (child.exitCode === null) {
    try {
      process.kill(-child.pid!, "SIGKILL");
    } catch {
      // already gone
    }
  }
});

test("npm start serves /health and prints the endpoints and the local secrets", async () => {
  const res = await fetch(`${base}/health`);
  expect(res.status).toBe(200);
  expect(output).toContain(`${base.replace("127.0.0.1", "localhost")}/bm/webhook`);
  expect(output).toContain("BM_SIGNATURE_KEY");
  expect(output).toContain("local-bm-signature-key");
});

test("a signed message gets the greeting; a redelivery the same answer; a forged one 401; garbage 400", async () => {
  const request = bmTextRequest("hi", { dialogUuid: `e2e-${Date.now()}`, providerMsgID: "e2e-1" });
  const first = await postBm(`${base}/bm/webhook`, request);
  expect(first.status).toBe(200);
  expect(contents(first.json)[0]).toMatch(/^Hi Ana! I'm the ACME Bank assistant/);
  expect(first.json.messages.some((m: any) => Array.isArray(m.body.suggestions))).toBe(true);

  const again = await postBm(`${base}/bm/webhook`, request);
  expect(again.json).toEqual(first.json);
  // One correlation id per turn, also under serverless-offline.
  expect(first.headers.get("x-correlation-id")).toMatch(/^[0-9a-f-]{36}$/);
  expect(again.headers.get("x-correlation-id")).not.toBe(first.headers.get("x-correlation-id"));

  expect((await postBm(`${base}/bm/webhook`, request, { key: "forged" })).status).toBe(401);
  const garbage = await postBm(`${base}/bm/webhook`, "not json");
  expect(garbage.status).toBe(400);
  expect(garbage.json).toEqual({ error: "request body is not valid JSON" });
});

test("Engage API steps reach their action through serverless-offline's path parameters", async () => {
  const { callEngage } = await import("../support/engage-client");
  const body = { amount: 500, destination: "Elon Musk", accountType: "savings_account", transactionSuccess: "ok", transactionNoMoney: "no", userId: `e2e-${Date.now()}` };
  const res = await callEngage(`${base}/engage/transfer`, { body });
  expect(res.status).toBe(200);
  expect(res.json).toEqual({ session: { namespace: "account", data: { limit: 0, amount: 4500 } }, action: { nextDialogstate: "ok" } });
  const balance = await callEngage(`${base}/engage/balance?userId=${body.userId}&accountType=savings`, { method: "GET" });
  expect(balance.json.session.data.amount).toBe(4500);
  expect((await callEngage(`${base}/engage/transfer`, { body, token: "wrong" })).status).toBe(401);
  expect(output).toContain("ENGAGE_API_TOKEN");
});

test("Kommunicate's WELCOME gets the greeting with suggested replies through the local stack", async () => {
  const res = await fetch(`${base}/kommunicate/webhook`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-webhook-secret": "local-kommunicate-webhook-secret" },
    body: JSON.stringify({ key: `e2e-${Date.now()}`, groupId: `e2e-${Date.now()}`, from: "u1", eventName: "WELCOME", message: "" }),
  });
  expect(res.status).toBe(200);
  const answer = (await res.json()) as Array<{ message: string; metadata?: { templateId?: string } }>;
  expect(answer[0]!.message).toMatch(/ACME Bank assistant/);
  expect(answer[0]!.metadata?.templateId).toBe("6");
});

test("a TwoWay message gets 201 at once and its reply reaches the outbound URL through the local SQS stand-in and the job worker", async () => {
  const chat = { id: `e2e-${Date.now()}`, accountId: "tl", channel: "WhatsApp", conversationClientId: "31600000000", conversationHostId: "31200000000", conversationClientName: "Ana" };
  const res = await fetch(`${base}/twoway/messages`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-webhook-secret": "local-twoway-webhook-secret" },
    body: JSON.stringify({ chat, conversationMessages: [{ $type: "text", id: "m1", direction: "ClientOriginated", text: "hi" }] }),
  });
  expect(res.status).toBe(201);
  for (let waited = 0; cm.requests.length === 0 && waited < 10_000; waited += 100) await new Promise((r) => setTimeout(r, 100));
  expect(cm.requests).toHaveLength(1);
  expect(cm.requests[0]!.headers["x-cm-producttoken"]).toBe("00000000-0000-0000-0000-000000000000");
  expect(JSON.parse(cm.requests[0]!.body).conversationMessages[0]).toMatchObject({ $type: "text", direction: "ClientTerminated", text: expect.stringMatching(/^Hi Ana!/) });
});

test("Botpress: Business Messenger's Botpress integration logs in and converses through the local stack (routes from the registry)", async () => {
  expect(output).toContain("BOTPRESS_PASSWORD=local-botpress-password");
  const login = await fetch(`${base}/api/v1/auth/login/basic/default`, {
    method: "POST",
    headers: { "content-type": "application/json" },
    body: JSON.stringify({ email: "local@example.com", password: "local-botpress-password" }),
  });
  expect(login.status).toBe(200);
  const { payload } = (await login.json()) as { payload: { jwt: string } };
  const converse = await fetch(`${base}/api/v1/bots/onebot/converse/e2e-${Date.now()}/secured`, {
    method: "POST",
    headers: { "content-type": "application/json", authorization: `Bearer ${payload.jwt}` },
    body: JSON.stringify({ type: "text", text: "hi" }),
  });
  expect(converse.status).toBe(200);
  const { responses } = (await converse.json()) as { responses: Array<{ type: string; text?: string }> };
  expect(responses.some((r) => r.type === "single-choice" || /ACME Bank assistant/.test(r.text ?? ""))).toBe(true);
  const unsigned = await fetch(`${base}/api/v1/bots/onebot/converse/e2e-x`, { method: "POST", headers: { "content-type": "application/json" }, body: '{"type":"text","text":"hi"}' });
  expect(unsigned.status).toBe(401);
});

test("npm run sessions -- list shows the conversations the stack stored (BM and Engage)", async () => {
  const list = await new Promise<{ code: number | null; stdout: string; stderr: string }>((resolve) => {
    const tool = spawn("npm", ["run", "--silent", "sessions", "--", "list", "--json"], {
      cwd: join(__dirname, "..", ".."),
      env: { ...process.env, ONEBOT_STACK_FILE: stackFile },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    tool.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
    tool.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    tool.on("close", (code) => resolve({ code, stdout, stderr }));
  });
  expect(list.stderr).toBe("");
  expect(list.code).toBe(0);
  const rows = JSON.parse(list.stdout) as Array<{ platform: string; conversationId: string }>;
  expect(rows.map((r) => `${r.platform}#${r.conversationId}`)).toEqual(
    expect.arrayContaining([expect.stringMatching(/^bm#e2e-/), expect.stringMatching(/^engage#e2e-/)]),
  );
});

test("Ctrl-C stops the whole stack", async () => {
  process.kill(-child.pid!, "SIGINT");
  await exited;
  await expect(fetch(`${base}/health`)).rejects.toThrow();
});
