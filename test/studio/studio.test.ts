import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { get } from "node:http";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { EventStore } from "../../lib/session/events";
import { createDocumentClient } from "../../lib/session/dynamo";
import { DEAD_LETTER_KEY } from "../../lib/session/keys";
import { twDelivery } from "../../scripts/chat/twoway";
import { freePort } from "../../scripts/ports";
import { readStackFile } from "../../scripts/stack-file";
import type { StudioStackFile } from "../../scripts/start";

/**
 * The studio in a real browser, as a developer uses it: `npm start` (its own ports and stack file), then Debian's
 * Chromium driven by playwright-core on the printed URL. Every request the page makes is checked: anything not on
 * loopback is refused and fails the suite. Screenshots of each platform's rendering go to .local/studio-screenshots
 * (git-ignored).
 */
jest.setTimeout(150_000);

const ROOT = join(__dirname, "..", "..");
const SHOTS = join(ROOT, ".local", "studio-screenshots");
const dir = mkdtempSync(join(tmpdir(), "onebot-studio-"));
const stackFile = join(dir, "stack.json");

let stack: ChildProcess;
let stackOutput = "";
let browser: Browser;
let page: Page;
let studioUrl: string;
let stackInfo: StudioStackFile;
/** Requests the page tried to make off the machine, and what it logged as an error. */
const offMachine: string[] = [];
const pageErrors: string[] = [];

const LOOPBACK = /^(localhost|127\.0\.0\.1|\[::1\])$/;

function chromiumPath(): string {
  const found = spawnSync("sh", ["-c", "command -v chromium"], { encoding: "utf8" }).stdout.trim();
  if (!found) throw new Error("Debian's chromium is not installed (apt-get install -y chromium; .ci/run installs it)");
  return found;
}

beforeAll(async () => {
  const [port, outboundPort, studioPort] = [await freePort(), await freePort(), await freePort()];
  const env: NodeJS.ProcessEnv = { ...process.env, PORT: String(port), CHAT_OUTBOUND_PORT: String(outboundPort), STUDIO_PORT: String(studioPort), ONEBOT_STACK_FILE: stackFile, POWERTOOLS_LOG_LEVEL: "WARN" };
  for (const name of ["AWS_ENDPOINT_URL_DYNAMODB", "BOT_STAGE", "SESSIONS_TABLE", "EVENTS_TABLE", "TWOWAY_OUTBOUND_URL", "LP_ACCOUNT_ID", "STUDIO"]) delete env[name];
  if (process.env.AWS_ENDPOINT_URL_DYNAMODB) Object.assign(env, { AWS_ENDPOINT_URL_DYNAMODB: process.env.AWS_ENDPOINT_URL_DYNAMODB, SESSIONS_TABLE: `studio-${port}-sessions`, EVENTS_TABLE: `studio-${port}-events` });
  stack = spawn("npm", ["start"], { cwd: ROOT, env, detached: true, stdio: ["ignore", "pipe", "pipe"] });
  stack.stdout!.on("data", (d: Buffer) => (stackOutput += d.toString()));
  stack.stderr!.on("data", (d: Buffer) => (stackOutput += d.toString()));
  const browserReady = chromium.launch({
    executablePath: chromiumPath(),
    args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
    // launch() gives the browser a new empty profile of its own (its --user-data-dir).
  });
  let found: StudioStackFile | undefined;
  for (let waited = 0; !(found = readStackFile(stackFile) as StudioStackFile | undefined); waited += 200) {
    if (stack.exitCode !== null || waited > 140_000) throw new Error(`npm start did not write ${stackFile}:\n${stackOutput}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  studioUrl = found.studioUrl!;
  stackInfo = found;
  browser = await browserReady;
  const context = await browser.newContext({ viewport: { width: 1280, height: 900 } });
  // Anything that would leave the machine is refused and recorded: the suite fails on it.
  await context.route("**/*", (route) => {
    const url = new URL(route.request().url());
    if ((url.protocol === "http:" || url.protocol === "https:" || url.protocol === "ws:") && !LOOPBACK.test(url.hostname)) {
      offMachine.push(url.href);
      return route.abort("blockedbyclient");
    }
    return route.continue();
  });
  page = await context.newPage();
  page.on("pageerror", (err) => pageErrors.push(String(err)));
  page.on("console", (m) => void (m.type() === "error" && pageErrors.push(m.text())));
  mkdirSync(SHOTS, { recursive: true });
  await page.goto(studioUrl);
  await page.waitForSelector("body[data-ready=true]");
});

afterAll(async () => {
  await browser?.close();
  if (stack?.exitCode === null) {
    const exited = new Promise((resolve) => stack.once("exit", resolve));
    process.kill(-stack.pid!, "SIGINT");
    await exited;
  }
  rmSync(dir, { recursive: true, force: true });
});

afterEach(() => {
  expect(offMachine).toEqual([]);
  expect(pageErrors).toEqual([]);
});

test("npm start prints the studio's URL, on loopback", () => {
  expect(stackOutput).toContain(`Studio: ${studioUrl}`);
  expect(studioUrl).toMatch(/^http:\/\/localhost:\d+\/studio$/);
});

test("the off-machine guard is not vacuous: a page that loads from elsewhere is caught", async () => {
  const other = await page.context().newPage();
  try {
    await other.setContent('<img src="http://203.0.113.7/pixel.png">');
    await other.waitForFunction(() => (document.querySelector("img") as HTMLImageElement).complete);
    expect(offMachine.splice(0)).toEqual(["http://203.0.113.7/pixel.png"]);
  } finally {
    await other.close();
  }
});

/** Starts a conversation from the form; resolves when the page shows it. */
async function startConversation(platform: string, options: { channel?: string; name?: string; locale?: string } = {}): Promise<void> {
  await page.click("[role=tab][data-tab=chat]");
  await page.selectOption("[data-testid=platform]", platform);
  if (options.channel) await page.selectOption("[data-testid=channel]", options.channel);
  await page.fill("[data-testid=user-name]", options.name ?? "Ana");
  await page.fill("[data-testid=locale]", options.locale ?? "en");
  const before = await page.locator("[data-testid=conversation]").count();
  await page.click("[data-testid=start]");
  await page.locator("[data-testid=conversation]").nth(before).waitFor();
}

/** Types a message and waits for the bot's entry (or a relay) containing `expected`. */
async function say(text: string, expected: RegExp): Promise<void> {
  const before = await page.locator("[data-testid=bot-entry]").count();
  await page.fill("[data-testid=message]", text);
  await page.click("[data-testid=send]");
  await page.locator("[data-testid=bot-entry]").nth(before).waitFor();
  await page.locator("[data-testid=bot-entry]", { hasText: expected }).last().waitFor();
}

const lastBot = () => page.locator("[data-testid=bot-entry]").last();

test("Business Messenger on RCS: greeting with chips, a tapped chip, a picture sent; raw JSON of each turn on a toggle", async () => {
  await startConversation("bm", { channel: "RCS", name: "Bob", locale: "de" });
  await say("hi", /Hi Bob! I'm the ACME Bank assistant/);
  const chips = lastBot().locator("[data-testid=choice]");
  expect(await chips.allInnerTexts()).toEqual(["Balance", "Transfer", "Agent", "Products"]);

  // The raw view: the signed request as Business Messenger sends it, with the user's name and locale.
  expect(await page.locator(".raw-slot").first().isVisible()).toBe(false);
  await page.check("[data-testid=raw-toggle]");
  const raw = await lastBot().locator("[data-testid=raw] pre").first().innerText();
  expect(raw).toContain('"x-bm-signature"');
  expect(raw).toContain('"first_name": "Bob"');
  expect(raw).toContain('"language": "de"');
  await page.uncheck("[data-testid=raw-toggle]");

  const before = await page.locator("[data-testid=bot-entry]").count();
  await chips.filter({ hasText: "Products" }).click();
  await page.locator("[data-testid=bot-entry]").nth(before).waitFor();
  await page.locator("[data-testid=user-entry]", { hasText: "→ Products" }).waitFor();
  expect(await lastBot().locator("[data-testid=carousel] [data-testid=card]").count()).toBeGreaterThan(1);
  await page.screenshot({ path: join(SHOTS, "bm-rcs.png"), fullPage: true });

  const count = await page.locator("[data-testid=bot-entry]").count();
  await page.click("[data-testid=send-picture]");
  await page.locator("[data-testid=user-entry]", { hasText: "[picture] receipt.jpg" }).waitFor();
  await page.locator("[data-testid=bot-entry]").nth(count).waitFor();
});

test("Business Messenger on SMS: suggestions become numbered text, with the segment count, encoding and the cut named", async () => {
  await startConversation("bm", { channel: "SMS" });
  await say("hi", /1\) Balance/);
  expect(await lastBot().locator("[data-testid=choice]").count()).toBe(0);
  expect(await lastBot().locator("[data-testid=sms-segments]").innerText()).toMatch(/^1 SMS segment · GSM-7 · \d+ septets$/);
  expect(await lastBot().locator("[data-testid=degradations]").innerText()).toMatch(/numbered options \(no replyWith on SMS\)/);
  await page.screenshot({ path: join(SHOTS, "bm-sms.png"), fullPage: true });
});

test("one reply rendered on every platform side by side, from the project's renderers", async () => {
  await startConversation("bm", { channel: "WhatsApp" });
  await say("hi", /ACME Bank assistant/);
  await lastBot().locator("[data-testid=render-everywhere]").click();
  const renderings = page.locator("[data-testid=everywhere] [data-testid=rendering]");
  await renderings.first().waitFor();
  const keys = await renderings.evaluateAll((nodes) => nodes.map((n) => n.getAttribute("data-key")));
  expect(keys).toEqual(["bm:SMS", "bm:WhatsApp", "bm:RCS", "bm:Viber", "bm:Telegram", "bm:Facebook", "bm:Instagram", "kommunicate", "twoway", "engage", "botpress"]);
  expect(await page.locator("[data-key='bm:RCS'] [data-testid=choice]").count()).toBe(4);
  expect(await page.locator("[data-key='bm:SMS'] [data-testid=sms-segments]").count()).toBe(1);
  expect(await page.locator("[data-key=twoway]").innerText()).toContain("1) Balance");
  await page.locator("[data-testid=everywhere]").screenshot({ path: join(SHOTS, "every-platform.png") });
});

test("Kommunicate opens with its WELCOME answer; a quick reply and a location go through its webhook", async () => {
  await startConversation("kommunicate");
  await lastBot().locator("[data-testid=choice]", { hasText: "Balance" }).waitFor();
  const before = await page.locator("[data-testid=bot-entry]").count();
  await lastBot().locator("[data-testid=choice]", { hasText: "Balance" }).click();
  await page.locator("[data-testid=bot-entry]").nth(before).waitFor();
  await page.click("[data-testid=send-location]");
  await page.locator("[data-testid=user-entry]", { hasText: "[location] 47.3769, 8.5417" }).waitFor();
  await page.locator("[data-testid=bot-entry]").nth(before + 1).waitFor();
  await page.screenshot({ path: join(SHOTS, "kommunicate.png"), fullPage: true });
});

test("Engage: the transfer action's form calls the API step; Botpress: its single-choice as chips", async () => {
  await startConversation("engage");
  expect(await page.locator("[data-testid=send-picture]").isVisible()).toBe(false);
  await page.click("[data-testid=engage-call]");
  await lastBot().locator(".info", { hasText: "next dialog state: ok" }).waitFor();
  expect(await lastBot().innerText()).toContain('session account: {"limit":0,"amount":4500}');
  await page.screenshot({ path: join(SHOTS, "engage.png"), fullPage: true });

  await startConversation("botpress");
  await say("hi", /ACME Bank assistant/);
  expect(await lastBot().locator("[data-testid=choice]").allInnerTexts()).toEqual(["Balance", "Transfer", "Agent", "Products"]);
  await page.screenshot({ path: join(SHOTS, "botpress.png"), fullPage: true });
});

test("TwoWay handed over to the LivePerson stand-in: the agent accepts, writes and shares a file, the user sees them; the session is inspected and handed back", async () => {
  await startConversation("twoway", { name: "Cleo" });
  await say("hi", /Hi Cleo!/);
  await say("agent", /handing you over/);
  await page.waitForSelector("[data-testid=handover][data-state=human]");
  await page.screenshot({ path: join(SHOTS, "twoway.png"), fullPage: true });

  await page.click("[role=tab][data-tab=desk]");
  const desk = page.locator("[data-testid=desk-conversation][data-state=OPEN]", { hasText: "twoway:" }).last();
  await desk.locator("[data-testid=desk-consumer]", { hasText: "User: agent" }).waitFor();
  await desk.locator("[data-testid=agent-accept]").click();
  await desk.locator("[data-testid=agent-accept][disabled]").waitFor();
  await desk.locator("[data-testid=agent-text]").fill("Hello Cleo, Maria here.");
  await desk.locator("[data-testid=agent-write]").click();
  await desk.locator("[data-testid=desk-agent]", { hasText: "Hello Cleo, Maria here." }).waitFor();
  await desk.locator("[data-testid=agent-file]").click();
  await desk.locator("[data-testid=desk-agent]", { hasText: "[file] statement.pdf" }).waitFor();
  await page.screenshot({ path: join(SHOTS, "agent-desk.png"), fullPage: true });

  // The user's side: the agent's words arrive out of band, through TwoWay's outbound endpoint.
  await page.click("[role=tab][data-tab=chat]");
  await page.locator("[data-testid=relay-entry]", { hasText: "Hello Cleo, Maria here." }).waitFor();
  await page.locator("[data-testid=relay-entry]", { hasText: "statement.pdf" }).waitFor();

  // The session, decoded: handover to LivePerson, history, processed ids, events; then hand back.
  const title = await page.locator("[data-testid=conversation-title]").innerText();
  const conversationId = /twoway#(\S+)$/.exec(title)![1]!;
  await page.click("[role=tab][data-tab=sessions]");
  await page.locator(`[data-testid=session-row][data-pk="conv#twoway#${conversationId}"]`).click();
  const session = page.locator("[data-testid=session]");
  await session.locator("[data-testid=session-handover]", { hasText: "liveperson" }).waitFor();
  expect(await session.locator("[data-testid=history] li").count()).toBeGreaterThanOrEqual(4);
  expect(await session.locator("[data-testid=processed] li").count()).toBeGreaterThanOrEqual(2);
  await session.locator("[data-testid=events]", { hasText: "liveperson.opened" }).waitFor();
  await page.screenshot({ path: join(SHOTS, "session.png"), fullPage: true });

  await session.locator("[data-testid=handback]").click();
  await session.locator("[data-testid=session-handover]", { hasText: /^bot$/ }).waitFor();
  await session.locator("[data-testid=events]", { hasText: "liveperson.closed_by_agent" }).waitFor();
  await page.click("[role=tab][data-tab=chat]");
  await page.waitForSelector("[data-testid=handover][data-state=bot]");
  await say("hi", /Hi Cleo!/);

  // A second handover, ended by the agent's own Close on the desk.
  await say("agent", /handing you over/);
  await page.click("[role=tab][data-tab=desk]");
  const second = page.locator("[data-testid=desk-conversation][data-state=OPEN]", { hasText: `twoway:${conversationId}` });
  await second.locator("[data-testid=agent-close]").click();
  await page.locator("[data-testid=desk-conversation][data-state=OPEN]", { hasText: `twoway:${conversationId}` }).waitFor({ state: "detached" });
  await page.click("[role=tab][data-tab=chat]");
  await page.waitForSelector("[data-testid=handover][data-state=bot]");
});

test("a dead-lettered TwoWay turn redriven from the studio reaches the user: its answer arrives out of band", async () => {
  await startConversation("twoway", { name: "Eve" });
  await say("hi", /Hi Eve!/);
  const conversationId = /twoway#(\S+)$/.exec(await page.locator("[data-testid=conversation-title]").innerText())![1]!;
  // A job that failed for good, as the worker records it: this conversation's turn "Balance".
  const { chat } = twDelivery(conversationId, "dead-1", "Balance");
  const turn = { platform: "twoway", conversationId, userId: chat.conversationClientId, messageId: `dead-${Date.now()}`, message: { type: "text", text: "Balance" }, receivedAt: Date.now() };
  const job = { kind: "twoway.turn", group: `twoway#${conversationId}`, dedupeId: turn.messageId, payload: { turn, chat: { id: chat.id, accountId: chat.accountId, channel: chat.channel, conversationClientId: chat.conversationClientId, conversationHostId: chat.conversationHostId } } };
  const doc = createDocumentClient(stackInfo.dynamoEndpoint);
  try {
    await new EventStore(doc, stackInfo.tables.events, 1).record({ pk: DEAD_LETTER_KEY, type: "job.dead_letter", platform: "twoway", data: { job, error: "Error: CM answered 503" } }, Date.now());
  } finally {
    doc.destroy();
  }

  await page.click("[role=tab][data-tab=dead]");
  const letter = page.locator("[data-testid=dead-letter]", { hasText: turn.messageId }).filter({ hasText: "job.dead_letter" });
  await letter.locator("[data-testid=redrive]").click();
  await page.locator("[data-testid=dead-letter]", { hasText: "job.redriven" }).filter({ hasText: turn.messageId }).waitFor();
  await page.screenshot({ path: join(SHOTS, "dead-letters.png"), fullPage: true });
  await page.click("[role=tab][data-tab=chat]");
  await page.locator("[data-testid=relay-entry]", { hasText: "Savings account" }).waitFor();
});

test("Business Messenger's own handover ends with the chat view's Hand back; the terminal chat's /raw and /handback on the same stack", async () => {
  await startConversation("bm", { channel: "WhatsApp" });
  await say("agent", /handing you over/);
  await page.waitForSelector("[data-testid=handover][data-state=human]");
  await page.click("[data-testid=chat-handback]");
  await page.waitForSelector("[data-testid=handover][data-state=bot]");
  expect(await page.locator("[data-testid=chat-handback]").isVisible()).toBe(false);
  await say("hi", /ACME Bank assistant/);

  // Reset from the session view: the item is gone, the next message starts a new conversation.
  const conversationId = /bm#(\S+)$/.exec(await page.locator("[data-testid=conversation-title]").innerText())![1]!;
  await page.click("[role=tab][data-tab=sessions]");
  const row = page.locator(`[data-testid=session-row][data-pk="conv#bm#${conversationId}"]`);
  await row.click();
  await page.locator("[data-testid=session] [data-testid=reset]").click();
  await row.waitFor({ state: "detached" });
  expect((await fetch(`${studioUrl}/api/sessions/${encodeURIComponent(`conv#bm#${conversationId}`)}`)).status).toBe(404);
  await page.click("[role=tab][data-tab=chat]");
  await say("hello", /ACME Bank assistant/);

  const chat = spawnSync(join(ROOT, "node_modules", ".bin", "tsx"), ["scripts/chat/index.ts", "bm", "--channel", "SMS", "--name", "Dora", "--conversation", `cli-${Date.now()}`], {
    cwd: ROOT,
    env: { ...process.env, ONEBOT_STACK_FILE: stackFile },
    input: "agent\n/handback\n/raw\nhi\n/quit\n",
    encoding: "utf8",
    timeout: 30_000,
  });
  expect(chat.stderr).toBe("");
  expect(chat.status).toBe(0);
  const out = chat.stdout;
  expect(out).toContain("— handed over to a human agent —");
  expect(out).toContain("— handed back to the bot —");
  expect(out).toContain("— raw HTTP shown after each turn —");
  expect(out).toMatch(/bot> Hi Dora! I'm the ACME Bank assistant[\s\S]*— platform → bot —[\s\S]*"x-bm-signature"/);
  expect(out.indexOf("handed back to the bot")).toBeLessThan(out.indexOf("Hi Dora!"));
});

test("bad input to the studio's API is a 4xx JSON naming the problem; another host name is refused", async () => {
  const api = `${studioUrl}/api`;
  const post = (path: string, body: string, type = "application/json") => fetch(`${api}/${path}`, { method: "POST", headers: { "content-type": type }, body });
  const bad = await post("conversations", JSON.stringify({ platform: "bm", channel: "Fax" }));
  expect(bad.status).toBe(400);
  expect(await bad.json()).toEqual({ error: expect.stringContaining('unknown Business Messenger channel "Fax"') });
  const garbage = await post("conversations", "{oops");
  expect([garbage.status, await garbage.json()]).toEqual([400, { error: "request body is not valid JSON" }]);
  const schema = await post("conversations/bm%23nope/messages", JSON.stringify({ input: { kind: "upload", upload: { type: "location", latitude: 123, longitude: 0 } } }));
  expect(schema.status).toBe(400);
  expect((await schema.json()).issues[0].path).toBe("input.upload.latitude");
  expect((await post("conversations", "{}", "text/plain")).status).toBe(415);
  expect((await fetch(`${api}/sessions/conv%23bm%23missing`)).status).toBe(404);
  const rebound = await new Promise<number>((resolve, reject) => {
    const url = new URL(`${api}/info`);
    get({ host: "127.0.0.1", port: url.port, path: url.pathname, headers: { host: "attacker.example" } }, (res) => {
      res.resume();
      resolve(res.statusCode ?? 0);
    }).on("error", reject);
  });
  expect(rebound).toBe(403);
});
