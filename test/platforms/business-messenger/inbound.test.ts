import { createHash } from "node:crypto";
import type { InboundMessage } from "../../../lib/conversation";
import { bmToTurn } from "../../../lib/platforms/business-messenger/inbound";
import { BmWebhookRequest, type BmWebhookRequestInput } from "../../../lib/platforms/business-messenger/schema";
import {
  BM_CONTACT_UUID,
  BM_DIALOG_UUID,
  bmAudioRequest,
  bmContactRequest,
  bmFileListRequest,
  bmFileRequest,
  bmLocationRequest,
  bmPictureRequest,
  bmPostbackRequest,
  bmRequest,
  bmTextRequest,
  bmUnknownBodyRequest,
  bmVideoRequest,
} from "./fixtures";

const NOW = 1_760_000_000_000;

function turnOf(input: BmWebhookRequestInput) {
  const raw = Buffer.from(JSON.stringify(input));
  return bmToTurn(BmWebhookRequest.parse(input), raw, NOW);
}
const messageOf = (input: BmWebhookRequestInput): InboundMessage => turnOf(input).message;

describe("bmToTurn", () => {
  it("maps the envelope", () => {
    expect(turnOf(bmTextRequest("hi"))).toEqual({
      platform: "bm",
      conversationId: BM_DIALOG_UUID,
      userId: BM_CONTACT_UUID,
      messageId: "7f3c2b1a-0e9d-4c8b-a7f6-5e4d3c2b1a09",
      channel: "Viber",
      locale: "de",
      userName: "Ana",
      message: { type: "text", text: "hi" },
      receivedAt: NOW,
    });
  });

  it("falls back: userId to from then dialogUuid, messageId to the body hash, name to nick_name", () => {
    const input = bmTextRequest("hi", { providerMsgID: null, contact: { uuid: null, nick_name: "ana_z" } });
    const raw = Buffer.from(JSON.stringify(input));
    const turn = bmToTurn(BmWebhookRequest.parse(input), raw, NOW);
    expect(turn.userId).toBe("41791234567");
    expect(turn.messageId).toBe(`sha256:${createHash("sha256").update(raw).digest("hex")}`);
    expect(turn.userName).toBe("ana_z");
    expect(turn.locale).toBeUndefined();

    const bare = bmTextRequest("hi", { contact: null });
    delete bare.message.from;
    expect(turnOf(bare).userId).toBe(BM_DIALOG_UUID);
  });

  it("normalises the channel name", () => {
    expect(turnOf(bmTextRequest("hi", { channel: "RCS (RBM)" })).channel).toBe("RCS");
    expect(turnOf(bmTextRequest("hi", { channel: "web push" })).channel).toBe("WebPush");
    expect(turnOf(bmTextRequest("hi", { channel: "carrier-pigeon" })).channel).toBe("SMS");
  });
});

describe("body kind detection", () => {
  it("text", () => expect(messageOf(bmTextRequest("Hello"))).toEqual({ type: "text", text: "Hello" }));

  it("postback, with the caption as text", () =>
    expect(messageOf(bmPostbackRequest("HOURS", "Opening hours"))).toEqual({
      type: "postback",
      postback: "HOURS",
      text: "Opening hours",
    }));

  it("picture", () =>
    expect(messageOf(bmPictureRequest())).toEqual({
      type: "picture",
      media: { url: "https://cdn.example.com/photo.jpg", name: "photo.jpg", mimeType: "image/jpeg", size: 48211 },
    }));

  it("picture without a MIME type, by extension", () =>
    expect(messageOf(bmRequest({ url: "https://cdn.example.com/x/cat.PNG?v=2" })).type).toBe("picture"));

  it("video", () =>
    expect(messageOf(bmVideoRequest())).toEqual({
      type: "video",
      media: { url: "https://cdn.example.com/clip.mp4", name: "clip.mp4", mimeType: "video/mp4", size: 1048576 },
    }));

  it("audio", () => expect(messageOf(bmAudioRequest())).toMatchObject({ type: "audio", media: { mimeType: "audio/ogg" } }));

  it("audio when playingLength comes without a video type", () =>
    expect(messageOf(bmRequest({ url: "https://cdn.example.com/rec", playingLength: 3 })).type).toBe("audio"));

  it("file", () =>
    expect(messageOf(bmFileRequest())).toEqual({
      type: "file",
      media: { url: "https://cdn.example.com/invoice.pdf", name: "invoice.pdf", mimeType: "application/pdf", size: 9000 },
    }));

  it("file list, skipping entries without a URL", () => {
    const input = bmFileListRequest();
    input.message.body.files?.push({ name: "lost.txt" });
    expect(messageOf(input)).toEqual({
      type: "fileList",
      text: "two files",
      files: [
        { url: "https://cdn.example.com/a.pdf", name: "a.pdf", mimeType: "application/pdf", size: 100 },
        { url: "https://cdn.example.com/b.png", name: "b.png", mimeType: "image/png" },
      ],
    });
  });

  it("location", () =>
    expect(messageOf(bmLocationRequest())).toEqual({ type: "location", latitude: 47.3769, longitude: 8.5417, label: "Our office" }));

  it("contact", () =>
    expect(messageOf(bmContactRequest())).toEqual({
      type: "contact",
      name: "Bob Example",
      phone: "+41791112233",
      email: "bob@example.com",
      address: "Main St 1",
    }));

  it("anything else is an unknown_body event, never an error", () => {
    expect(messageOf(bmUnknownBodyRequest())).toEqual({
      type: "event",
      name: "unknown_body",
      data: { sticker: { id: 42 } },
    });
    expect(messageOf(bmRequest({}))).toMatchObject({ type: "event", name: "unknown_body" });
    expect(messageOf(bmRequest({ latitude: 1 }))).toMatchObject({ type: "event", name: "unknown_body" });
  });

  it("an empty content is still text (the user sent it)", () =>
    expect(messageOf(bmTextRequest(""))).toEqual({ type: "text", text: "" }));
});
