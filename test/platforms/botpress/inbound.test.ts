import fc from "fast-check";
import { HttpError } from "../../../lib/http/errors";
import { botpressToInbound, botpressToTurn, parseBotpressConverse } from "../../../lib/platforms/botpress/inbound";
import { BOTPRESS_INBOUND_TYPES, BotpressLoginRequest, BotpressUserId } from "../../../lib/platforms/botpress/schema";
import { bmInboundBodies } from "./fixtures";

const inbound = (body: unknown) => botpressToInbound(parseBotpressConverse(body));

/** The 400's issue paths for a body, or [] when it parses. */
function issuePaths(body: unknown): string[] {
  try {
    parseBotpressConverse(body);
    return [];
  } catch (err) {
    expect(err).toBeInstanceOf(HttpError);
    expect((err as HttpError).status).toBe(400);
    return (err as HttpError).issues!.map((i) => i.path);
  }
}

describe("converse body → neutral inbound message (every type of Business Messenger's Botpress table)", () => {
  it("text, and a body without type (v12's default is text)", () => {
    expect(inbound(bmInboundBodies.text)).toEqual({ type: "text", text: "hi" });
    expect(inbound({ text: "hello", includedContexts: ["global"], metadata: {} })).toEqual({ type: "text", text: "hello" });
  });

  it("image, audio, video, file: the URL, with the file name from its path", () => {
    expect(inbound(bmInboundBodies.image)).toEqual({ type: "picture", media: { url: bmInboundBodies.image.image, name: "receipt.png" } });
    expect(inbound(bmInboundBodies.audio)).toEqual({ type: "audio", media: { url: bmInboundBodies.audio.audio, name: "voice note.ogg" } });
    expect(inbound(bmInboundBodies.video)).toEqual({ type: "video", media: { url: bmInboundBodies.video.video, name: "clip.mp4" } });
    expect(inbound(bmInboundBodies.file)).toEqual({ type: "file", media: { url: bmInboundBodies.file.file, name: "statement.pdf" } });
    expect(inbound({ type: "image", image: "https://cdn.example.com/", title: "My receipt" })).toEqual({
      type: "picture",
      media: { url: "https://cdn.example.com/" },
      caption: "My receipt",
    });
  });

  it("location: numbers (or numeric strings), with a title or address as label", () => {
    expect(inbound(bmInboundBodies.location)).toEqual({ type: "location", latitude: 52.37, longitude: 4.89 });
    expect(inbound({ type: "location", latitude: "-33.9", longitude: "18.42", address: "Cape Town" })).toEqual({
      type: "location",
      latitude: -33.9,
      longitude: 18.42,
      label: "Cape Town",
    });
  });

  it("response: an event carrying the kind and its data", () => {
    expect(inbound(bmInboundBodies.response)).toEqual({ type: "event", name: "response", data: { response: "form", responseData: { name: "Ana", amount: 100 } } });
    expect(inbound({ type: "response", response: "question" })).toEqual({ type: "event", name: "response", data: { response: "question", responseData: {} } });
  });

  it("v12 webchat's button answers (quick_reply, postback) are postbacks", () => {
    expect(inbound({ type: "quick_reply", text: "Balance", payload: "BALANCE" })).toEqual({ type: "postback", postback: "BALANCE", text: "Balance" });
    expect(inbound({ type: "postback", payload: "AGENT" })).toEqual({ type: "postback", postback: "AGENT" });
  });

  it("the turn: platform botpress, {userId} as conversation and user, a fresh message id per call", () => {
    const request = parseBotpressConverse(bmInboundBodies.text);
    const a = botpressToTurn("u-1", request, 1_000);
    const b = botpressToTurn("u-1", request, 1_000);
    expect(a).toMatchObject({ platform: "botpress", conversationId: "u-1", userId: "u-1", receivedAt: 1_000, message: { type: "text", text: "hi" } });
    expect(a.messageId).toMatch(/^bp-[0-9a-f-]{36}$/);
    expect(b.messageId).not.toBe(a.messageId);
  });
});

describe("converse body validation: a 400 naming the field", () => {
  it.each([
    [{ type: "text" }, ["text"]],
    [{ type: "text", text: "" }, ["text"]],
    [{ type: "text", text: 42 }, ["text"]],
    [{}, ["text"]],
    [{ type: "sticker", sticker: "x" }, ["type"]],
    [{ type: 7 }, ["type"]],
    [{ type: "image" }, ["image"]],
    [{ type: "image", image: "" }, ["image"]],
    [{ type: "audio", audio: null }, ["audio"]],
    [{ type: "video", video: ["u"] }, ["video"]],
    [{ type: "file", file: {} }, ["file"]],
    [{ type: "location", latitude: 52 }, ["longitude"]],
    [{ type: "location", latitude: 91, longitude: 0 }, ["latitude"]],
    [{ type: "location", latitude: "north", longitude: 0 }, ["latitude"]],
    [{ type: "response", responseData: {} }, ["response"]],
    [{ type: "response", response: "form", responseData: "x" }, ["responseData"]],
    [{ type: "quick_reply", text: "Balance" }, ["payload"]],
  ])("%j → %j", (body, paths) => {
    expect(issuePaths(body)).toEqual(paths);
  });

  it("login body: email and password must be strings", () => {
    expect(BotpressLoginRequest.safeParse({ email: "a", password: "b" }).success).toBe(true);
    expect(BotpressLoginRequest.safeParse({ email: "a" }).error?.issues.map((i) => i.path.join("."))).toEqual(["password"]);
  });

  it("userId: non-empty, at most 512 bytes of UTF-8", () => {
    expect(BotpressUserId.safeParse("u".repeat(512)).success).toBe(true);
    expect(BotpressUserId.safeParse("é".repeat(257)).success).toBe(false);
    expect(BotpressUserId.safeParse("").success).toBe(false);
  });
});

describe("any JSON object as converse body", () => {
  it("is parsed and mapped, or refused with a 400: never another error", () => {
    const typed = fc.record({ type: fc.constantFrom(...BOTPRESS_INBOUND_TYPES, "sticker") }, { requiredKeys: [] });
    const fields = fc.dictionary(
      fc.constantFrom("text", "image", "audio", "video", "file", "latitude", "longitude", "title", "address", "response", "responseData", "payload", "__proto__"),
      fc.jsonValue(),
    );
    fc.assert(
      fc.property(typed, fields, (t, f) => {
        const body = JSON.parse(JSON.stringify({ ...f, ...t }));
        try {
          const message = botpressToInbound(parseBotpressConverse(body));
          expect(typeof message.type).toBe("string");
        } catch (err) {
          expect(err).toBeInstanceOf(HttpError);
          expect((err as HttpError).status).toBe(400);
        }
      }),
      { numRuns: 500 },
    );
  });
});
