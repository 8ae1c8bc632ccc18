import type { InboundMessage } from "../../../lib/conversation";
import { kmAttachmentsToInbound, kommunicateToTurn } from "../../../lib/platforms/kommunicate/inbound";
import {
  KommunicateWebhookRequest,
  type KommunicateWebhookRequestInput,
} from "../../../lib/platforms/kommunicate/schema";
import {
  KM_GROUP_ID,
  KM_IMAGE_ATTACHMENT,
  KM_LOCATION_ATTACHMENT,
  KM_MESSAGE_KEY,
  KM_USER_ID,
  kmButtonClickRequest,
  kmDocsRequest,
  kmFormSubmitRequest,
  kmImageAndLocationRequest,
  kmImageRequest,
  kmLocationRequest,
  kmMediaRequest,
  kmRequest,
  kmStringContextMediaRequest,
  kmTextRequest,
  kmTriggerEventRequest,
  kmWelcomeRequest,
} from "./fixtures";

const NOW = 1_760_000_000_000;

const turnOf = (input: KommunicateWebhookRequestInput) => kommunicateToTurn(KommunicateWebhookRequest.parse(input), NOW);
const messageOf = (input: KommunicateWebhookRequestInput): InboundMessage => turnOf(input).message;

const RECEIPT = { url: "https://cdn.example.com/receipt.png", name: "receipt.png", mimeType: "image/png", size: 20480 };

describe("kommunicateToTurn envelope", () => {
  it("maps the documented sample request", () => {
    expect(turnOf(kmDocsRequest())).toEqual({
      platform: "kommunicate",
      conversationId: KM_GROUP_ID,
      userId: KM_USER_ID,
      messageId: KM_MESSAGE_KEY,
      locale: "en",
      message: { type: "text", text: "hi" },
      receivedAt: NOW,
    });
  });

  it("uses the given groupId, key and from", () => {
    const turn = turnOf(kmTextRequest("hello", { groupId: 777, key: "5-abc", from: "visitor-9" }));
    expect(turn.conversationId).toBe("777");
    expect(turn.messageId).toBe("5-abc");
    expect(turn.userId).toBe("visitor-9");
  });

  it("falls back to the groupId when from is missing or empty", () => {
    expect(turnOf(kmTextRequest("hi", { from: null })).userId).toBe(KM_GROUP_ID);
    expect(turnOf(kmTextRequest("hi", { from: "" })).userId).toBe(KM_GROUP_ID);
  });

  it("takes kmUserLocale first, then kmUserLanguageCode, else no locale", () => {
    const withBoth = kmRequest({ message: "hi", metadata: { KM_CHAT_CONTEXT: { kmUserLocale: "de", kmUserLanguageCode: "fr" } } });
    const languageOnly = kmRequest({ message: "hi", metadata: { KM_CHAT_CONTEXT: { kmUserLanguageCode: "fr" } } });
    expect(turnOf(withBoth).locale).toBe("de");
    expect(turnOf(languageOnly).locale).toBe("fr");
    expect(turnOf(kmStringContextMediaRequest()).locale).toBe("de");
    expect(turnOf(kmTextRequest()).locale).toBeUndefined();
    expect("locale" in turnOf(kmTextRequest())).toBe(false);
  });
});

describe("kommunicateToTurn message kinds", () => {
  it("plain text", () => {
    expect(messageOf(kmTextRequest("What are your opening hours?"))).toEqual({
      type: "text",
      text: "What are your opening hours?",
    });
  });

  it("text without a message is an empty text", () => {
    expect(messageOf({ key: "k", groupId: "g" })).toEqual({ type: "text", text: "" });
  });

  it("WELCOME → welcome event", () => {
    expect(messageOf(kmWelcomeRequest())).toEqual({ type: "event", name: "welcome" });
    expect(messageOf(kmRequest({ eventName: "welcome" }))).toEqual({ type: "event", name: "welcome" });
  });

  it("media event with one image → picture", () => {
    expect(messageOf(kmImageRequest())).toEqual({ type: "picture", media: RECEIPT });
  });

  it("media event with one location → location, coordinates as numbers", () => {
    expect(messageOf(kmLocationRequest())).toEqual({ type: "location", latitude: 52.37, longitude: 4.89 });
  });

  it("media event with video, audio and other MIME types", () => {
    const one = (type: string) => messageOf(kmMediaRequest([{ type, payload: { url: "https://cdn.example.com/x" } }]));
    expect(one("video/mp4")).toEqual({ type: "video", media: { url: "https://cdn.example.com/x", mimeType: "video/mp4" } });
    expect(one("audio/ogg")).toEqual({ type: "audio", media: { url: "https://cdn.example.com/x", mimeType: "audio/ogg" } });
    expect(one("application/pdf")).toEqual({
      type: "file",
      media: { url: "https://cdn.example.com/x", mimeType: "application/pdf" },
    });
    expect(one("IMAGE/JPEG").type).toBe("picture");
  });

  it("media event with KM_CHAT_CONTEXT as a JSON string", () => {
    expect(messageOf(kmStringContextMediaRequest())).toEqual({ type: "picture", media: RECEIPT });
  });

  it("several files → fileList (a location among them is dropped)", () => {
    const pdf = { type: "application/pdf", payload: { name: "a.pdf", url: "https://cdn.example.com/a.pdf", size: 100 } };
    expect(messageOf(kmMediaRequest([KM_IMAGE_ATTACHMENT, pdf, KM_LOCATION_ATTACHMENT]))).toEqual({
      type: "fileList",
      files: [RECEIPT, { url: "https://cdn.example.com/a.pdf", name: "a.pdf", mimeType: "application/pdf", size: 100 }],
    });
  });

  it("the documented sample (an image and a location) → fileList of the image", () => {
    expect(messageOf(kmImageAndLocationRequest())).toEqual({ type: "fileList", files: [RECEIPT] });
  });

  it("several locations and no file → the first location alone", () => {
    const second = { type: "location", payload: { lat: 1, lon: 2 } };
    expect(messageOf(kmMediaRequest([KM_LOCATION_ATTACHMENT, second]))).toEqual({
      type: "location",
      latitude: 52.37,
      longitude: 4.89,
    });
  });

  it("unusable attachments are skipped: the one usable attachment keeps its own kind", () => {
    const noUrl = { type: "image/png", payload: { name: "lost.png" } };
    const badLocation = { type: "location", payload: { lat: "north", lon: "4.89" } };
    expect(messageOf(kmMediaRequest([noUrl, badLocation, KM_IMAGE_ATTACHMENT]))).toEqual({ type: "picture", media: RECEIPT });
  });

  it("media event without attachments → media_without_attachment", () => {
    const expected = { type: "event", name: "media_without_attachment" };
    expect(messageOf(kmMediaRequest([]))).toEqual(expected);
    expect(messageOf(kmRequest({ eventName: "KOMMUNICATE_MEDIA_EVENT" }))).toEqual(expected);
    expect(messageOf(kmRequest({ eventName: "KOMMUNICATE_MEDIA_EVENT", metadata: { KM_CHAT_CONTEXT: "{oops" } }))).toEqual(
      expected,
    );
    expect(kmAttachmentsToInbound([{ type: "location", payload: {} }])).toEqual(expected);
  });

  it("button click → postback with the button's message", () => {
    expect(messageOf(kmButtonClickRequest("Opening hours"))).toEqual({
      type: "postback",
      postback: "Opening hours",
      text: "Opening hours",
    });
  });

  it("button click flagged with the string \"true\" and inside string metadata", () => {
    const req = kmRequest({ message: "agent", metadata: JSON.stringify({ KM_BUTTON_CLICKED: "true" }) });
    expect(messageOf(req)).toEqual({ type: "postback", postback: "agent", text: "agent" });
  });

  it("KM_BUTTON_CLICKED false is a plain text", () => {
    expect(messageOf(kmRequest({ message: "agent", metadata: { KM_BUTTON_CLICKED: false } }))).toEqual({
      type: "text",
      text: "agent",
    });
  });

  it("form submit → form_submitted with the form data, even with the submit label as text", () => {
    const formData = { email: "ana@example.com", topic: ["billing"] };
    expect(messageOf(kmFormSubmitRequest(formData))).toEqual({ type: "event", name: "form_submitted", data: formData });
    expect(messageOf(kmFormSubmitRequest(formData, { message: "" }))).toEqual({
      type: "event",
      name: "form_submitted",
      data: formData,
    });
  });

  it("triggered event from KM_TRIGGER_EVENT keeps its name", () => {
    expect(messageOf(kmTriggerEventRequest("Order_Status"))).toEqual({ type: "event", name: "Order_Status" });
  });

  it("triggered event from an `Event:<name>` message alone", () => {
    expect(messageOf(kmTextRequest("Event:order_status"))).toEqual({ type: "event", name: "order_status" });
    expect(messageOf(kmTextRequest("Event:   ask refund "))).toEqual({ type: "event", name: "ask refund" });
    expect(messageOf(kmTextRequest("Event:"))).toEqual({ type: "text", text: "Event:" });
    expect(messageOf(kmTextRequest("My Event: birthday"))).toEqual({ type: "text", text: "My Event: birthday" });
  });

  it("a triggered WELCOME is the welcome event", () => {
    expect(messageOf(kmTriggerEventRequest("WELCOME"))).toEqual({ type: "event", name: "welcome" });
  });

  it("any other event name → lowercased event", () => {
    expect(messageOf(kmRequest({ eventName: "CONVERSATION_RESOLVED", message: "" }))).toEqual({
      type: "event",
      name: "conversation_resolved",
    });
  });

  it("an empty or blank eventName is no event", () => {
    expect(messageOf(kmRequest({ eventName: "  ", message: "hi" }))).toEqual({ type: "text", text: "hi" });
    expect(messageOf(kmRequest({ eventName: null, message: "hi" }))).toEqual({ type: "text", text: "hi" });
  });

  it("WELCOME wins over everything else in the request", () => {
    const req = kmButtonClickRequest("x", {}, {});
    expect(messageOf({ ...req, eventName: "WELCOME" })).toEqual({ type: "event", name: "welcome" });
  });
});
