import { handler as bmDebug } from "../../functions/bm-debug";
import { handler as bmWebhook } from "../../functions/bm-webhook";
import { useRuntime, type Runtime } from "../../lib/runtime";
import { localSecrets } from "../support/local-secrets";
import { signBmBody } from "../../lib/platforms/business-messenger/verify";
import { sessionKey } from "../../lib/session/session";
import { bmRequest, bmTextRequest } from "../platforms/business-messenger/fixtures";
import { contents, postBm } from "../support/bm-client";
import { useHarness } from "../support/harness";
import { processedIds } from "../support/processed-ids";

/** Business Messenger end to end: signed HTTP on loopback → handler → engine → real embedded DynamoDB. */
const h = useHarness({ "POST /bm/webhook": bmWebhook as never, "POST /bm/debug": bmDebug as never });
let rt: Runtime;
let conv = 0;
const newDialog = () => `dialog-${Date.now()}-${++conv}`;

beforeEach(() => {
  rt = h.store.runtime();
  useRuntime(rt);
});

const webhook = () => `${h.api.url}/bm/webhook`;
const session = (dialogUuid: string) => rt.sessions.load("bm", dialogUuid, Date.now());

describe("POST /bm/webhook", () => {
  test("a signed first message gets the greeting with quick-reply suggestions and creates the session", async () => {
    const dialogUuid = newDialog();
    const res = await postBm(webhook(), bmTextRequest("hi", { dialogUuid, providerMsgID: "m1" }));
    expect(res.status).toBe(200);
    expect(res.headers.get("content-type")).toContain("application/json");
    expect(res.headers.get("x-correlation-id")).toMatch(/^test-\d+$/);
    expect(contents(res.json)[0]).toBe("Hello Ana! This is the test bot.");
    const suggestions = res.json.messages.find((m: any) => m.body.suggestions)?.body.suggestions;
    // Viber shows at most 3 suggestions: the least important one is cut.
    expect(suggestions.map((s: any) => s.text)).toEqual(["Echo", "Card", "Agent"]);
    expect(suggestions[0]).toEqual({ text: "Echo", postback: "ECHO", replyWith: { postback: "ECHO" } });

    const stored = await session(dialogUuid);
    expect(stored).toMatchObject({ version: 1, state: "echo", namespaces: { user: { name: "Ana" } }, channel: "Viber" });
    expect(processedIds(stored!.processed, ["m1"])).toEqual(["m1"]);
  });

  test("the same delivery again gets the same answer and the session version does not move", async () => {
    const dialogUuid = newDialog();
    const request = bmTextRequest("hi", { dialogUuid, providerMsgID: "dup-1" });
    const first = await postBm(webhook(), request);
    const versionAfterFirst = (await session(dialogUuid))!.version;
    const again = await postBm(webhook(), request);
    expect(again.status).toBe(200);
    expect(again.json).toEqual(first.json);
    expect((await session(dialogUuid))!.version).toBe(versionAfterFirst);
  });

  test("without providerMsgID the body hash is the dedupe key", async () => {
    const dialogUuid = newDialog();
    const request = bmTextRequest("hi", { dialogUuid, providerMsgID: null });
    await postBm(webhook(), request);
    await postBm(webhook(), request);
    expect((await session(dialogUuid))!.version).toBe(1);
  });

  test("a forged, missing or other-key signature gets 401 and changes nothing", async () => {
    const dialogUuid = newDialog();
    const request = bmTextRequest("hi", { dialogUuid });
    for (const options of [{ key: "not-the-key" }, { signature: null }, { signature: "Zm9v" }]) {
      const res = await postBm(webhook(), request, options);
      expect(res.status).toBe(401);
      expect(res.json).toEqual({ error: "missing or invalid X-BM-Signature" });
    }
    // Nothing was stored for the refused requests.
    await expect(session(dialogUuid)).resolves.toBeUndefined();

    // A body signed correctly and then altered is refused too, and stores nothing either.
    const signature = signBmBody(JSON.stringify(request), localSecrets.BM_SIGNATURE_KEY);
    const tamperedDialog = newDialog();
    const tampered = await postBm(webhook(), JSON.stringify(bmTextRequest("transfer", { dialogUuid: tamperedDialog })), { signature });
    expect(tampered.status).toBe(401);
    await expect(session(tamperedDialog)).resolves.toBeUndefined();

    // The same request with its own signature is accepted: the refusals above were about the signature.
    const signedOther = await postBm(webhook(), JSON.stringify(request), { signature });
    expect(signedOther.status).toBe(200);
    expect((await session(dialogUuid))!.version).toBe(1);
  });

  test("a body that is not JSON gets 400 with a JSON error", async () => {
    const res = await postBm(webhook(), "{not json");
    expect(res.status).toBe(400);
    expect(res.json).toEqual({ error: "request body is not valid JSON" });
    expect(res.headers.get("x-correlation-id")).toMatch(/^test-\d+$/);
  });

  test("a body that breaks the schema gets 400 naming the paths", async () => {
    const bad = { ...bmTextRequest("hi"), dialogUuid: 42, channel: ["SMS"] };
    const res = await postBm(webhook(), bad);
    expect(res.status).toBe(400);
    expect(res.json.error).toMatch(/schema/);
    expect(res.json.issues.map((i: any) => i.path).sort()).toEqual(["channel", "dialogUuid"]);
  });

  test("a message request without its message gets 400 naming it, not a debug-report 200", async () => {
    const { message: _m, ...noMessage } = bmTextRequest("hi");
    const res = await postBm(webhook(), noMessage);
    expect(res.status).toBe(400);
    expect(res.json.issues).toEqual([{ path: "message", message: expect.any(String) }]);
  });

  test("a body over 1 MB gets 413 before any parsing", async () => {
    const huge = JSON.stringify(bmTextRequest("x".repeat(1024 * 1024 + 10)));
    const res = await postBm(webhook(), huge);
    expect(res.status).toBe(413);
    expect(res.json.error).toMatch(/exceeds 1048576 bytes/);
  });

  test("a debug-mode error report on the message webhook is stored, logged, and answered with no messages", async () => {
    const report = { error: "Invalid message body", errors: [{ field: "messages[0].body", message: "unknown type" }] };
    const res = await postBm(webhook(), report);
    expect(res.status).toBe(200);
    expect(res.json).toEqual({ messages: [] });
    const events = await rt.events.list("platform#bm#debug");
    expect(events[0]).toMatchObject({ type: "bm.debug_report", data: { report } });
  });

  test("the quick replies drive a conversation: a postback reaches the bot, and '3' picks the third option", async () => {
    const dialogUuid = newDialog();
    await postBm(webhook(), bmTextRequest("hi", { dialogUuid, providerMsgID: "q1" }));
    const echo = await postBm(webhook(), bmRequest({ content: "Echo", postback: "ECHO" }, { dialogUuid, providerMsgID: "q2" }));
    expect(contents(echo.json)[0]).toBe("You said: ECHO");
    const third = await postBm(webhook(), bmTextRequest("3", { dialogUuid, providerMsgID: "q3" }));
    expect(contents(third.json)[0]).toBe("Handing you over to a human.");
  });
});

describe("POST /bm/debug", () => {
  test("stores the report and answers 200 with an empty body", async () => {
    const report = { errors: ["body.content too long"], dialogUuid: "d-debug" };
    const res = await postBm(`${h.api.url}/bm/debug`, report);
    expect(res.status).toBe(200);
    expect(res.text).toBe("");
    const events = await rt.events.list("platform#bm#debug");
    expect(events.some((e) => e.conversationId === "d-debug" && (e.data as any).report.errors[0] === "body.content too long")).toBe(true);
  });

  test("checks the signature too", async () => {
    const res = await postBm(`${h.api.url}/bm/debug`, { error: "x" }, { key: "wrong" });
    expect(res.status).toBe(401);
  });
});

test("session keys are per platform and conversation", () => {
  expect(sessionKey("bm", "abc")).toBe("conv#bm#abc");
});
