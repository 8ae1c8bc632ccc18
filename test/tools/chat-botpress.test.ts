import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { botpressAdapter, botpressBlocks, botpressBody } from "../../scripts/chat/botpress";
import { chatPlatform, CHAT_PLATFORMS, missingAdapters } from "../../scripts/chat/index";
import { renderBlocks } from "../../scripts/chat/render";
import type { ChatTarget } from "../../scripts/chat/types";
import { platforms } from "../../lib/platforms/registry";

/** The chat's Botpress adapter against a stand-in server: login, the secured converse route, one re-login after a 401. */

test("the chat offers every registered channel (registry order), each with an adapter; the old aliases still work", () => {
  expect(CHAT_PLATFORMS).toEqual(platforms.filter((p) => p.role === "channel").map((p) => p.id));
  expect(CHAT_PLATFORMS).toContain("botpress");
  expect(missingAdapters()).toEqual([]);
  expect(["business-messenger", "km", "cm", "botpress", "liveperson", "nope"].map(chatPlatform)).toEqual(["bm", "kommunicate", "twoway", "botpress", undefined, undefined]);
});

test("v12 content → lines: text, single-choice as numbered choices, card and carousel, media, location", () => {
  const blocks = botpressBlocks([
    { type: "text", text: "Hello" },
    { type: "single-choice", text: "Pick", choices: [{ title: "Balance", value: "BALANCE" }, { title: "Agent", value: "AGENT" }] },
    { type: "card", title: "Card", subtitle: "Sub", image: "https://x.test/c.png", actions: [{ action: "Postback", title: "Go", payload: "GO" }, { action: "Open URL", title: "Web", url: "https://x.test" }] },
    { type: "carousel", items: [{ type: "card", title: "A", actions: [] }, { type: "card", title: "B", actions: [{ action: "Postback", title: "Bee", payload: "B" }] }] },
    { type: "image", image: "https://x.test/i.png", title: "pic" },
    { type: "video", video: "https://x.test/v.mp4" },
    { type: "audio", audio: "https://x.test/a.ogg" },
    { type: "file", file: "https://x.test/f.pdf", title: "f.pdf" },
    { type: "location", latitude: 52.37, longitude: 4.89, title: "Dam" },
    { type: "typing", value: true },
  ]);
  const { lines, choices } = renderBlocks(blocks);
  expect(lines).toEqual([
    "bot> Hello",
    "bot> Pick",
    "     [1] Balance  [2] Agent",
    "bot> ┌─ Card",
    "     │ Sub",
    "     │ [picture] https://x.test/c.png",
    "     │ [3] Go",
    "     │ ↗ Web: https://x.test",
    "     └─",
    "bot> carousel of 2 cards:",
    "     ┌─ A",
    "     └─",
    "     ┌─ B",
    "     │ [4] Bee",
    "     └─",
    "bot> pic",
    "     [picture] https://x.test/i.png",
    "bot> [video] https://x.test/v.mp4",
    "bot> [audio] https://x.test/a.ogg",
    "bot> f.pdf",
    "     [file] https://x.test/f.pdf",
    "bot> Dam",
    "     [location] 52.37,4.89",
    'bot> [unknown content] {"type":"typing","value":true}',
  ]);
  // A single-choice is answered as v12's webchat answers a tap; a card's Postback as a postback.
  expect(choices.map((c) => c.value)).toEqual([
    { type: "quick_reply", payload: "BALANCE", text: "Balance" },
    { type: "quick_reply", payload: "AGENT", text: "Agent" },
    { type: "postback", payload: "GO", text: "Go" },
    { type: "postback", payload: "B", text: "Bee" },
  ]);
});

test("typed lines → converse bodies: text, and the media and location commands", () => {
  expect(botpressBody("hi there")).toEqual({ type: "text", text: "hi there" });
  expect(botpressBody("/image https://x.test/i.png my receipt")).toEqual({ type: "image", image: "https://x.test/i.png", title: "my receipt" });
  expect(botpressBody("/file https://x.test/f.pdf")).toEqual({ type: "file", file: "https://x.test/f.pdf" });
  expect(botpressBody("/audio https://x.test/a.ogg")).toEqual({ type: "audio", audio: "https://x.test/a.ogg" });
  expect(botpressBody("/location 52.37 4.89 Dam Square")).toEqual({ type: "location", latitude: 52.37, longitude: 4.89, title: "Dam Square" });
  expect(botpressBody("/location here")).toEqual({ type: "text", text: "/location here" });
});

interface Seen {
  method: string;
  url: string;
  authorization?: string;
  body: unknown;
}

/** A stand-in Botpress: tokens t1, t2, … per login; `expired` tokens answer 401 on converse. */
async function standIn(options: { refuseLogin?: boolean; expired?: Set<string> } = {}): Promise<{ server: Server; base: string; seen: Seen[] }> {
  const seen: Seen[] = [];
  let logins = 0;
  const read = (req: IncomingMessage) =>
    new Promise<string>((resolve) => {
      let text = "";
      req.on("data", (d: Buffer) => (text += d.toString()));
      req.on("end", () => resolve(text));
    });
  const server = createServer((req, res) => {
    void read(req).then((text) => {
      const authorization = req.headers.authorization;
      seen.push({ method: req.method!, url: req.url!, ...(authorization ? { authorization } : {}), body: JSON.parse(text) });
      const send = (status: number, body: unknown) => res.writeHead(status, { "content-type": "application/json" }).end(JSON.stringify(body));
      if (req.url === "/api/v1/auth/login/basic/default") {
        if (options.refuseLogin) return send(400, { errorCode: "BP_0009", message: "Invalid credentials" });
        return send(200, { status: "success", payload: { jwt: `t${++logins}`, exp: 3_600_000 } });
      }
      const token = authorization?.replace(/^Bearer /, "") ?? "";
      if (options.expired?.has(token)) return send(401, { error: "Unauthorized: token expired" });
      return send(200, { responses: [{ type: "text", text: `echo ${(JSON.parse(text) as { text?: string }).text ?? ""}` }] });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, base: `http://127.0.0.1:${(server.address() as AddressInfo).port}`, seen };
}

const SETTINGS: Record<string, string> = { BOTPRESS_BOT_ID: "onebot", BOTPRESS_EMAIL: "me@example.com", BOTPRESS_PASSWORD: "pw" };
const target = (baseUrl: string): ChatTarget => ({
  baseUrl,
  settings: (name) => SETTINGS[name] ?? "",
  outbound: { url: "http://127.0.0.1:1/unused", host: "127.0.0.1", port: 1, path: "/unused" },
  waitMs: 1000,
});

test("logs in once with the settings' email and password, then converses on the secured route with the token", async () => {
  const { server, base, seen } = await standIn();
  try {
    const adapter = botpressAdapter(target(base));
    await adapter.start("conv 1");
    expect(renderBlocks(await adapter.send({ kind: "text", text: "hi" })).lines).toEqual(["bot> echo hi"]);
    expect(renderBlocks(await adapter.send({ kind: "text", text: "again" })).lines).toEqual(["bot> echo again"]);
    expect(seen).toEqual([
      { method: "POST", url: "/api/v1/auth/login/basic/default", body: { email: "me@example.com", password: "pw" } },
      { method: "POST", url: "/api/v1/bots/onebot/converse/conv%201/secured", authorization: "Bearer t1", body: { type: "text", text: "hi" } },
      { method: "POST", url: "/api/v1/bots/onebot/converse/conv%201/secured", authorization: "Bearer t1", body: { type: "text", text: "again" } },
    ]);
  } finally {
    server.close();
  }
});

test("a 401 logs in again once and repeats the call; a second 401 is shown, not retried", async () => {
  const expired = new Set(["t1"]);
  const { server, base, seen } = await standIn({ expired });
  try {
    const adapter = botpressAdapter(target(base));
    await adapter.start("c");
    expect(renderBlocks(await adapter.send({ kind: "text", text: "hi" })).lines).toEqual(["— HTTP 401: {\"error\":\"Unauthorized: token expired\"} —"]);
    // The fresh token t1 was refused at once: no second login in the same turn. The next turn logs in again (t2).
    expect(seen.map((s) => s.authorization ?? "login")).toEqual(["login", "Bearer t1"]);
    expect(renderBlocks(await adapter.send({ kind: "text", text: "two" })).lines).toEqual(["bot> echo two"]);
    expect(seen.map((s) => s.authorization ?? "login")).toEqual(["login", "Bearer t1", "Bearer t1", "login", "Bearer t2"]);
    // t2 expires too: one re-login (t3), the same call repeated.
    expired.add("t2");
    expect(renderBlocks(await adapter.send({ kind: "text", text: "three" })).lines).toEqual(["bot> echo three"]);
    expect(seen.slice(5).map((s) => s.authorization ?? "login")).toEqual(["Bearer t2", "login", "Bearer t3"]);
    expect(seen[7]!.body).toEqual({ type: "text", text: "three" });
  } finally {
    server.close();
  }
});

test("a refused login is shown with its answer, and nothing is conversed", async () => {
  const { server, base, seen } = await standIn({ refuseLogin: true });
  try {
    const adapter = botpressAdapter(target(base));
    await adapter.start("c");
    expect(renderBlocks(await adapter.send({ kind: "text", text: "hi" })).lines).toEqual([
      "— Botpress login refused —",
      '— HTTP 400: {"errorCode":"BP_0009","message":"Invalid credentials"} —',
    ]);
    expect(seen.map((s) => s.url)).toEqual(["/api/v1/auth/login/basic/default"]);
  } finally {
    server.close();
  }
});
