import { spawn, type ChildProcess } from "node:child_process";
import { existsSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { freePort } from "../../scripts/ports";
import { readStackFile } from "../../scripts/stack-file";

/**
 * The developer tools against a real local stack, as a developer runs them: one `npm start` (its own port,
 * TwoWay outbound port and stack file, so it runs beside other suites' stacks), then `npm run chat -- <platform>
 * --replay <file>` and `npm run sessions -- …` as child processes, their output compared whole.
 */
jest.setTimeout(150_000);

const ROOT = join(__dirname, "..", "..");
const FIXTURES = "test/tools/fixtures";
const dir = mkdtempSync(join(tmpdir(), "onebot-tools-"));
const stackFile = join(dir, "stack.json");

let stack: ChildProcess;
let stackOutput = "";
let exited: Promise<unknown>;

interface Run {
  code: number | null;
  stdout: string;
  stderr: string;
}
const replays: Record<string, Promise<Run>> = {};

/** The environment of a developer's shell: none of the test setup's settings. */
function cleanEnv(extra: Record<string, string>): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = { ...process.env, ...extra };
  for (const name of ["AWS_ENDPOINT_URL_DYNAMODB", "BOT_STAGE", "SESSIONS_TABLE", "EVENTS_TABLE", "TWOWAY_OUTBOUND_URL", "BM_SIGNATURE_KEY", "ENGAGE_API_TOKEN", "KOMMUNICATE_WEBHOOK_SECRET", "TWOWAY_WEBHOOK_SECRET", "BOTPRESS_BOT_ID", "BOTPRESS_EMAIL", "BOTPRESS_PASSWORD"]) {
    delete env[name];
  }
  return env;
}

/** `npm run <args>` in the project, like a developer in another terminal. */
function npmRun(args: string[], env: NodeJS.ProcessEnv = cleanEnv({ ONEBOT_STACK_FILE: stackFile })): Promise<Run> {
  return new Promise((resolve) => {
    const child = spawn("npm", ["run", ...args], { cwd: ROOT, env, stdio: ["ignore", "pipe", "pipe"] });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (d: Buffer) => (stdout += d.toString()));
    child.stderr!.on("data", (d: Buffer) => (stderr += d.toString()));
    child.on("close", (code) => resolve({ code, stdout, stderr }));
  });
}

/** Output without npm's banner ("> pkg@version script" / "> command" and the blank lines around it). */
const withoutBanner = (stdout: string) => stdout.replace(/^\s*(?:> .*\n)+\n?/, "");

const replay = (platform: string) => npmRun(["chat", "--", platform, "--replay", `${FIXTURES}/${platform}.txt`]);

beforeAll(async () => {
  const port = await freePort();
  let outboundPort = await freePort();
  while (outboundPort === port) outboundPort = await freePort();
  const env = cleanEnv({ PORT: String(port), CHAT_OUTBOUND_PORT: String(outboundPort), ONEBOT_STACK_FILE: stackFile, POWERTOOLS_LOG_LEVEL: "WARN" });
  stack = spawn("npm", ["start"], { cwd: ROOT, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  stack.stdout!.on("data", (d: Buffer) => (stackOutput += d.toString()));
  stack.stderr!.on("data", (d: Buffer) => (stackOutput += d.toString()));
  exited = new Promise((resolve) => stack.on("exit", resolve));
  for (let waited = 0; !readStackFile(stackFile); waited += 200) {
    if (stack.exitCode !== null || waited > 140_000) throw new Error(`npm start did not write ${stackFile}:\n${stackOutput}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  // The five platforms' replays are independent conversations: run them side by side.
  for (const platform of ["kommunicate", "bm", "twoway", "engage", "botpress"]) replays[platform] = replay(platform);
});

afterAll(async () => {
  if (stack?.exitCode === null) {
    try {
      process.kill(-stack.pid!, "SIGKILL");
    } catch {
      // already gone
    }
  }
  rmSync(dir, { recursive: true, force: true });
});

const MENU = "     [1] Balance  [2] Transfer  [3] Agent  [4] Products";
/** The bank's products carousel as the chat prints it, then its follow-up choices. */
const PRODUCTS = [
  "bot> carousel of 2 cards:",
  "     ┌─ Regular account",
  "     │ Everyday banking with an overdraft of up to 500 EUR.",
  "     │ [picture] https://example.com/img/regular.png",
  "     │ [1] Balance",
  "     │ ↗ Open online: https://example.com/regular",
  "     └─",
  "     ┌─ Savings account",
  "     │ 2.1% interest, withdraw at any time.",
  "     │ [picture] https://example.com/img/savings.png",
  "     │ [2] Transfer",
  "     │ ↗ Open online: https://example.com/savings",
  "     └─",
  "bot> Anything else?",
  "     [3] Balance  [4] Transfer  [5] Agent  [6] Products",
];

test("npm start writes the stack file the tools read: URL, store, tables, credentials, the chat's TwoWay endpoint", () => {
  const file = readStackFile(stackFile)!;
  expect(file.httpUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(file.dynamoEndpoint).toMatch(/^http:\/\/127\.0\.0\.1:\d+$/);
  expect(file.tables).toEqual({ sessions: "onebot-local-sessions", events: "onebot-local-events" });
  expect(file.secrets).toMatchObject({ BM_SIGNATURE_KEY: "local-bm-signature-key", KOMMUNICATE_WEBHOOK_HEADER: "x-webhook-secret" });
  // A platform's own settings slice (Botpress' login) is there too, for `npm run chat -- botpress`.
  expect(file.secrets).toMatchObject({ BOTPRESS_BOT_ID: "onebot", BOTPRESS_EMAIL: "local@example.com", BOTPRESS_PASSWORD: "local-botpress-password" });
  expect(file.twowayOutboundUrl).toMatch(/^http:\/\/127\.0\.0\.1:\d+\/twoway\/outbound$/);
  expect(stackOutput).toContain(`TwoWay replies go to ${file.twowayOutboundUrl}`);
});

test("chat -- kommunicate --replay prints the exact transcript: WELCOME, suggested replies, carousel, handover, silence", async () => {
  const run = await replays.kommunicate!;
  expect(run.code).toBe(0);
  expect(withoutBanner(run.stdout)).toBe(
    [
      "— Kommunicate, conversation replay-kommunicate —",
      "— conversation opened: WELCOME event —",
      "bot> Hi there! I'm the ACME Bank assistant. What can I do for you?",
      MENU,
      "you> 1 → Balance",
      "bot> Regular account: 1200.00 EUR (overdraft up to 500.00 EUR)",
      "     Savings account: 5000.00 EUR",
      MENU,
      "you> 4 → Products",
      ...PRODUCTS,
      "you> 5 → Agent",
      "bot> I'm handing you over to a colleague. A human agent will answer here shortly.",
      "— handed over to a human agent —",
      "you> are you there?",
      "— (no reply: a human has the conversation) —",
      "",
    ].join("\n"),
  );
});

test("chat -- bm --replay: greeting, the quick reply \"2\" sent as BM's tap, the whole transfer flow", async () => {
  const run = await replays.bm!;
  expect(run.code).toBe(0);
  expect(withoutBanner(run.stdout)).toBe(
    [
      "— Business Messenger (RCS), conversation replay-bm —",
      "you> hi",
      "bot> Hi Ana! I'm the ACME Bank assistant. What can I do for you?",
      MENU,
      "you> 2 → Transfer",
      "bot> How much would you like to transfer from your regular account?",
      "you> 25",
      "bot> To whom should I send 25 EUR?",
      "you> Bob",
      "bot> Send 25 EUR from your regular account to Bob?",
      "     [1] Yes  [2] No",
      "you> 1 → Yes",
      "bot> Done! 25.00 EUR sent to Bob. New balance: 1175 EUR.",
      MENU,
      "you> 1 → Balance",
      "bot> Regular account: 1175.00 EUR (overdraft up to 500.00 EUR)",
      "     Savings account: 5000.00 EUR",
      MENU,
      "",
    ].join("\n"),
  );
});

test("chat -- twoway --replay: replies arrive on the simulator's outbound endpoint; \"2\" is mapped by the bot", async () => {
  const run = await replays.twoway!;
  expect(run.code).toBe(0);
  const numbered = (...options: string[]) => ["", ...options.map((o, i) => `     ${i + 1}) ${o}`)];
  expect(withoutBanner(run.stdout)).toBe(
    [
      "— CM.com TwoWay (WhatsApp), conversation replay-twoway —",
      "you> hi",
      "bot> Hi Ana! I'm the ACME Bank assistant. What can I do for you?",
      ...numbered("Balance", "Transfer", "Agent", "Products"),
      "you> 2",
      "bot> How much would you like to transfer from your regular account?",
      "you> 12.50",
      "bot> To whom should I send 12.5 EUR?",
      "you> Bob",
      "bot> Send 12.5 EUR from your regular account to Bob?",
      ...numbered("Yes", "No"),
      "you> 1",
      "bot> Done! 12.50 EUR sent to Bob. New balance: 1187.5 EUR.",
      ...numbered("Balance", "Transfer", "Agent", "Products"),
      "you> agent",
      "bot> I'm handing you over to a colleague. A human agent will answer here shortly.",
      "— handed over to a human agent —",
      "you> hello?",
      "— (no reply: a human has the conversation) —",
      "",
    ]
      .join("\n")
      .replace(/ +\n/g, "\n"),
  );
});

test("chat -- engage --replay: one API-step call per line; session, next dialog state and errors shown", async () => {
  const run = await replays.engage!;
  expect(run.code).toBe(0);
  expect(withoutBanner(run.stdout)).toBe(
    [
      "— Sinch Engage (API step), conversation replay-engage —",
      'you> transfer amount=500 destination="Elon Musk" accountType=savings_account transactionSuccess=ok transactionNoMoney=no',
      'bot> session account: {"limit":0,"amount":4500}',
      "bot> next dialog state: ok",
      "you> GET balance accountType=savings",
      'bot> session account: {"limit":0,"amount":4500}',
      "you> transfer amount=5000 destination=Bob accountType=regular transactionSuccess=ok transactionNoMoney=no",
      'bot> session account: {"limit":500,"amount":1200}',
      "bot> next dialog state: no",
      "you> nope",
      '— HTTP 404: {"error":"unknown action \\"nope\\""} —',
      "",
    ].join("\n"),
  );
});

test("chat -- botpress --replay: logs in, converses on the secured route; single-choice, carousel Postback, location and image in, handover", async () => {
  const run = await replays.botpress!;
  expect(run.code).toBe(0);
  expect(withoutBanner(run.stdout)).toBe(
    [
      "— Botpress (v12 Converse API), conversation replay-botpress —",
      "you> hi",
      "bot> Hi there! I'm the ACME Bank assistant. What can I do for you?",
      MENU,
      "you> 4 → Products",
      ...PRODUCTS,
      "you> 1 → Balance",
      "bot> Regular account: 1200.00 EUR (overdraft up to 500.00 EUR)",
      "     Savings account: 5000.00 EUR",
      MENU,
      "you> /location 52.37 4.89 Dam Square",
      "bot> Thanks, I received your location (52.37, 4.89). An agent will look at it if needed.",
      MENU,
      "you> /image https://cdn.example.com/in/receipt.png my receipt",
      'bot> Thanks, I received your picture "receipt.png". An agent will look at it if needed.',
      MENU,
      "you> agent",
      "bot> I'm handing you over to a colleague. A human agent will answer here shortly.",
      "— handed over to a human agent —",
      "you> hello?",
      "— (no reply: a human has the conversation) —",
      "",
    ].join("\n"),
  );
});

test("sessions -- show --json returns the BM conversation's session; the readable show has its history", async () => {
  await replays.bm;
  const [json, human] = await Promise.all([npmRun(["sessions", "--", "show", "bm#replay-bm", "--json"]), npmRun(["sessions", "--", "show", "replay-bm"])]);
  expect(json.code).toBe(0);
  const session = JSON.parse(withoutBanner(json.stdout));
  expect(session).toMatchObject({
    pk: "conv#bm#replay-bm",
    platform: "bm",
    conversationId: "replay-bm",
    version: 6,
    state: "menu",
    channel: "RCS",
    handover: { status: "bot" },
    // The transfer's id is the key of the message that named the recipient (bot/bank-bot.ts).
    namespaces: { user: { name: "Ana" }, transfer: { amount: 25, destination: "Bob", id: expect.stringMatching(/^conv#bm#replay-bm#/) }, account: { amount: 1175, limit: 500 } },
  });
  expect(session.processed).toHaveLength(6);

  expect(human.code).toBe(0);
  const out = withoutBanner(human.stdout);
  expect(out).toMatch(/^bm#replay-bm {3}\(item conv#bm#replay-bm in onebot-local-sessions\)\n/);
  expect(out).toContain("  dialog state  menu\n");
  expect(out).toContain("  handover      bot\n");
  expect(out).toMatch(/ {2}transfer: \{\n {4}"amount": 25,\n {4}"destination": "Bob",\n {4}"id": "conv#bm#replay-bm#[^"]+"\n {2}\}/);
  expect(out).toContain(
    [
      "history (12 entries):",
      "  user: hi",
      "  bot: Hi Ana! I'm the ACME Bank assistant. What can I do for you?",
      "  user: Transfer",
      "  bot: How much would you like to transfer from your regular account?",
      "  user: 25",
      "  bot: To whom should I send 25 EUR?",
      "  user: Bob",
      "  bot: Send 25 EUR from your regular account to Bob?",
      "  user: Yes",
      "  bot: Done! 25.00 EUR sent to Bob. New balance: 1175 EUR.",
      "  user: Balance",
      "  bot: Regular account: 1175.00 EUR (overdraft up to 500.00 EUR)",
      "       Savings account: 5000.00 EUR",
      "",
      'processed message ids (6; "#…" is a digest, kept for an id whose answer is not):',
    ].join("\n"),
  );
});

test("sessions -- events: a conversation's handover, an empty debug stream, and list --json", async () => {
  await Promise.all(Object.values(replays));
  const [events, debug, list] = await Promise.all([
    npmRun(["sessions", "--", "events", "kommunicate#replay-kommunicate"]),
    npmRun(["sessions", "--", "events", "debug"]),
    npmRun(["sessions", "--", "list", "--json"]),
  ]);
  expect(events.code).toBe(0);
  expect(withoutBanner(events.stdout)).toMatch(/^events for conv#kommunicate#replay-kommunicate \(1, oldest first\):\n {2}\S+ \S+ {2}handover\.started\n/);
  expect(debug.code).toBe(0);
  expect(withoutBanner(debug.stdout)).toBe("no events for platform#bm#debug in onebot-local-events\n");
  expect(list.code).toBe(0);
  const rows = JSON.parse(withoutBanner(list.stdout)) as Array<{ pk: string; handover: string }>;
  expect(rows.map((r) => r.pk).sort()).toEqual([
    "conv#bm#replay-bm",
    "conv#botpress#replay-botpress",
    "conv#engage#replay-engage",
    "conv#kommunicate#replay-kommunicate",
    "conv#twoway#replay-twoway",
  ]);
  expect(rows.find((r) => r.pk === "conv#twoway#replay-twoway")?.handover).toBe("human");
});

test("a second replay of the same file starts a fresh conversation (replay-<name>-2) with the same transcript", async () => {
  await replays.kommunicate;
  const again = await replay("kommunicate");
  expect(again.code).toBe(0);
  const first = withoutBanner((await replays.kommunicate!).stdout);
  expect(withoutBanner(again.stdout)).toBe(first.replace("conversation replay-kommunicate —", "conversation replay-kommunicate-2 —"));
});

test("without a running stack, chat and sessions say so in one line and exit 1", async () => {
  const env = cleanEnv({ ONEBOT_STACK_FILE: join(dir, "none.json"), PORT: String(await freePort()) });
  const chat = await npmRun(["chat", "--", "kommunicate", "--replay", `${FIXTURES}/kommunicate.txt`], env);
  expect(chat.code).toBe(1);
  expect(chat.stderr).toMatch(/^cannot reach the local stack at http:\/\/127\.0\.0\.1:\d+: is `npm start` running\?$/m);
  expect(withoutBanner(chat.stdout)).toBe("");
  const admin = await npmRun(["admin"], env);
  expect(admin.code).toBe(1);
  expect(admin.stderr).toContain("admin: the local stack is not running");
});

test("Ctrl-C stops the stack and removes its stack file", async () => {
  await Promise.all(Object.values(replays));
  process.kill(-stack.pid!, "SIGINT");
  await exited;
  expect(existsSync(stackFile)).toBe(false);
});
