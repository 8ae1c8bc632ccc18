import { TOKEN_LIFETIME_MS } from "../../lib/platforms/botpress/jwt";
import { botpress } from "../../lib/platforms/botpress/platform";
import { endpointHandler } from "../../lib/platforms/endpoint-handler";
import { useRuntime, type Runtime } from "../../lib/runtime";
import { bmInboundBodies } from "../platforms/botpress/fixtures";
import { useHarness } from "../support/harness";

/**
 * Botpress v12's login and converse routes as Business Messenger's "Botpress" integration calls them: real HTTP on
 * loopback → the shared webhook pipeline → engine → embedded DynamoDB (docs/platforms/botpress.md).
 */
const converseHandler = endpointHandler(botpress, "converse");
const h = useHarness({
  "POST /api/v1/auth/login/basic/default": endpointHandler(botpress, "login") as never,
  "POST /api/v1/bots/{botId}/converse/{userId}/secured": converseHandler as never,
  "POST /api/v1/bots/{botId}/converse/{userId}": converseHandler as never,
});

let rt: Runtime;
let n = 0;
const newUser = () => `bp-user-${Date.now()}-${++n}`;
const LOCAL = { email: "local@example.com", password: "local-botpress-password" };

beforeEach(() => {
  rt = h.store.runtime();
  useRuntime(rt);
});

async function post(path: string, body: unknown, headers: Record<string, string> = {}) {
  const res = await fetch(`${h.api.url}${path}`, {
    method: "POST",
    headers: { "content-type": "application/json", ...headers },
    body: typeof body === "string" ? body : JSON.stringify(body),
  });
  const text = await res.text();
  return { status: res.status, headers: res.headers, json: (text ? JSON.parse(text) : undefined) as any };
}

const login = (body: unknown = LOCAL) => post("/api/v1/auth/login/basic/default", body);
async function token(): Promise<string> {
  const res = await login();
  expect(res.status).toBe(200);
  return res.json.payload.jwt;
}
const converse = (userId: string, body: unknown, jwt: string | undefined, { secured = true, botId = "onebot" } = {}) =>
  post(`/api/v1/bots/${botId}/converse/${encodeURIComponent(userId)}${secured ? "/secured" : ""}`, body, jwt === undefined ? {} : { authorization: `Bearer ${jwt}` });
const session = (userId: string) => rt.sessions.load("botpress", userId, Date.now());

const GREETING = {
  type: "single-choice",
  text: "Hello there! This is the test bot.",
  choices: [
    { title: "Echo", value: "ECHO" },
    { title: "Card", value: "CARD" },
    { title: "Agent", value: "AGENT" },
    { title: "Carousel", value: "CAROUSEL" },
  ],
};

describe("login: POST /api/v1/auth/login/basic/default", () => {
  test("the right email and password get v12's answer with a JWT valid for 1 h", async () => {
    const res = await login();
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(res.json).toEqual({ status: "success", message: "Login successful", payload: { jwt: expect.stringMatching(/^[\w-]+\.[\w-]+\.[\w-]+$/), exp: TOKEN_LIFETIME_MS } });
    // v12 lowercases the email it is given.
    expect((await login({ email: " Local@Example.COM", password: LOCAL.password })).status).toBe(200);
  });

  test("wrong credentials get 400 as v12 answers them (BP_0009), and no token", async () => {
    for (const body of [{ ...LOCAL, password: "wrong" }, { ...LOCAL, email: "someone@example.com" }, { ...LOCAL, password: "" }]) {
      const res = await login(body);
      expect(res.status).toBe(400);
      expect(res.json).toEqual({ error: "Invalid credentials", statusCode: 400, errorCode: "BP_0009", type: "InvalidCredentialsError", message: "Invalid credentials" });
      expect(JSON.stringify(res.json)).not.toMatch(/jwt|eyJ/);
    }
  });

  test("a malformed login body is a 400 naming the field; not JSON is a 400", async () => {
    expect((await login({ email: LOCAL.email })).json).toMatchObject({ issues: [{ path: "password" }] });
    expect((await login("{nope")).status).toBe(400);
    expect((await login([LOCAL])).status).toBe(400);
  });
});

describe("converse: POST /api/v1/bots/{botId}/converse/{userId}[/secured]", () => {
  test("login → token → 'hi' gets the bot's greeting as a single-choice, and the session is {userId}'s", async () => {
    const userId = newUser();
    const res = await converse(userId, { type: "text", text: "hi" }, await token());
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(res.headers.get("x-correlation-id")).toMatch(/^test-\d+$/);
    expect(res.json).toEqual({ responses: [GREETING] });
    expect(await session(userId)).toMatchObject({ version: 1, state: "echo", userId });
  });

  test("the public route takes the same token and continues the same conversation", async () => {
    const userId = newUser();
    const jwt = await token();
    await converse(userId, { text: "hi" }, jwt);
    // A choice's title typed (or sent back) as text reaches the bot as that choice's postback.
    const echo = await converse(userId, { type: "text", text: "Echo" }, jwt, { secured: false });
    expect(echo.status).toBe(200);
    expect(echo.json.responses[0]).toMatchObject({ type: "single-choice", text: "You said: ECHO" });
    expect((await session(userId))!.version).toBe(2);
  });

  test.each([true, false])("a missing, forged or wrongly-schemed token gets 401 and nothing is stored (secured: %s)", async (secured) => {
    const userId = newUser();
    const jwt = await token();
    const [h64, p64] = jwt.split(".");
    const forged = `${h64}.${p64}.${"A".repeat(43)}`;
    const variants: Array<Record<string, string>> = [{}, { authorization: `Bearer ${forged}` }, { authorization: "Bearer" }, { authorization: `Basic ${jwt}` }, { authorization: "Bearer not-a-jwt" }];
    for (const headers of variants) {
      const res = await post(`/api/v1/bots/onebot/converse/${userId}${secured ? "/secured" : ""}`, { text: "hi" }, headers);
      expect(res.status).toBe(401);
      expect(res.json.error).toMatch(/^Unauthorized: /);
    }
    expect(await session(userId)).toBeUndefined();
  });

  test("an expired token gets 401 on both routes; logging in again works", async () => {
    const userId = newUser();
    const jwt = await token();
    const later = h.store.runtime({ clock: () => Date.now() + TOKEN_LIFETIME_MS + 1_000 });
    useRuntime(later);
    for (const secured of [true, false]) {
      const res = await converse(userId, { text: "hi" }, jwt, { secured });
      expect(res.status).toBe(401);
      expect(res.json.error).toBe("Unauthorized: Authentication token expired");
    }
    expect((await converse(userId, { text: "hi" }, await token())).status).toBe(200);
  });

  test("an unknown bot id gets 404 (with a valid token; without one, 401 first)", async () => {
    const userId = newUser();
    const res = await converse(userId, { text: "hi" }, await token(), { botId: "other-bot" });
    expect(res.status).toBe(404);
    expect(res.json).toEqual({ error: "Not Found: Invalid Bot ID" });
    expect((await converse(userId, { text: "hi" }, undefined, { botId: "other-bot", secured: false })).status).toBe(401);
    expect(await session(userId)).toBeUndefined();
  });

  test("every inbound type of Business Messenger's Botpress table is answered by the bot", async () => {
    const jwt = await token();
    const answers: Record<string, any> = {};
    for (const [type, body] of Object.entries(bmInboundBodies)) {
      const res = await converse(newUser(), body, jwt);
      expect(res.status).toBe(200);
      answers[type] = res.json.responses;
    }
    expect(answers.image[0].text).toBe('Received your picture "receipt.png".');
    expect(answers.audio[0].text).toBe('Received your audio "voice note.ogg".');
    expect(answers.video[0].text).toMatch(/your video "clip.mp4"/);
    expect(answers.file[0].text).toMatch(/your file "statement.pdf"/);
    expect(answers.location[0].text).toBe("Received your location (52.37, 4.89).");
    // A first contact is greeted whatever it is.
    expect(answers.text).toEqual([GREETING]);
    expect(answers.response).toEqual([GREETING]);
  });

  test("a body breaking the schema is a 400 naming the field, before anything is stored", async () => {
    const userId = newUser();
    const jwt = await token();
    expect((await converse(userId, { type: "image" }, jwt)).json).toEqual({ error: "body does not match the Botpress converse (image) schema", issues: [{ path: "image", message: expect.any(String) }] });
    expect((await converse(userId, { type: "sticker" }, jwt)).json.issues[0].path).toBe("type");
    expect((await converse(userId, { type: "text", text: "" }, jwt)).status).toBe(400);
    expect((await converse(userId, "not json", jwt)).status).toBe(400);
    expect((await converse("é".repeat(300), { text: "hi" }, jwt)).json).toMatchObject({ issues: [{ path: "userId" }] });
    expect(await session(userId)).toBeUndefined();
  });

  test("'agent' hands over: the bot says so, then stays silent with {\"responses\":[]}", async () => {
    const userId = newUser();
    const jwt = await token();
    await converse(userId, { text: "hi" }, jwt);
    const handover = await converse(userId, { type: "quick_reply", text: "Agent", payload: "AGENT" }, jwt);
    expect(handover.json.responses).toEqual([{ type: "text", text: "Handing you over to a human." }]);
    const next = await converse(userId, { text: "hello?" }, jwt);
    expect(next).toMatchObject({ status: 200, json: { responses: [] } });
    expect((await session(userId))!.handover.status).toBe("human");
  });

  test("no message id in Botpress: the same body twice is two turns (each call is a new message)", async () => {
    const userId = newUser();
    const jwt = await token();
    const first = await converse(userId, { text: "hi" }, jwt);
    const again = await converse(userId, { text: "hi" }, jwt);
    expect(again.json).toEqual(first.json);
    const stored = await session(userId);
    expect(stored!.version).toBe(2);
    expect(new Set(stored!.processed.map((p) => p.id)).size).toBe(2);
  });

  test("a body over 1 MB gets 413", async () => {
    const res = await converse(newUser(), { text: "x".repeat(1024 * 1024) }, await token());
    expect(res.status).toBe(413);
  });
});

describe("a deployed stage without the settings", () => {
  test("answers 503 on login and both converse routes, and lets nothing in", async () => {
    const jwt = await token();
    useRuntime(h.store.runtime({ env: { BOT_STAGE: "prod", BOTPRESS_BOT_ID: "onebot", BOTPRESS_EMAIL: LOCAL.email } }));
    const userId = newUser();
    expect((await login()).status).toBe(503);
    expect((await converse(userId, { text: "hi" }, jwt)).status).toBe(503);
    expect((await converse(userId, { text: "hi" }, jwt, { secured: false })).status).toBe(503);
    expect(await session(userId)).toBeUndefined();
  });

  test("with them set, a deployed stage works, and a token of the local account does not", async () => {
    const localJwt = await token();
    useRuntime(h.store.runtime({ env: { BOT_STAGE: "prod", BOTPRESS_BOT_ID: "bm-bot-7", BOTPRESS_EMAIL: "ops@bank.example", BOTPRESS_PASSWORD: "a-long-random-password-0123456789" } }));
    const userId = newUser();
    expect((await converse(userId, { text: "hi" }, localJwt, { botId: "bm-bot-7" })).status).toBe(401);
    const res = await login({ email: "ops@bank.example", password: "a-long-random-password-0123456789" });
    const ok = await converse(userId, { text: "hi" }, res.json.payload.jwt, { botId: "bm-bot-7" });
    expect(ok).toMatchObject({ status: 200, json: { responses: [GREETING] } });
  });
});
