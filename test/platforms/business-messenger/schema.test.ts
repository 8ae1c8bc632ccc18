import { BmWebhookRequest, isBmDebugReport } from "../../../lib/platforms/business-messenger/schema";
import { bmDebugReport, bmLocationRequest, bmTextRequest, bmVideoRequest } from "./fixtures";

// A sample request in the shape of docs/platforms/business-messenger.md §2, with full ids.
const notesSample = {
  serviceUuid: "5b0e0000",
  dialogUuid: "a9e20000",
  channel: "Viber",
  message: {
    from: "41791234567",
    to: [{ number: "41790000000", alias: "ACME" }],
    providerMsgID: "7f3c0000",
    allowedChannels: ["viber", "sms"],
    custom: [],
    body: { content: "hi" },
  },
  contact: { uuid: "c0de0000", first_name: "Ana", mobile: "41791234567", language: "de", email: null },
};

describe("BmWebhookRequest", () => {
  it("accepts the documented sample request", () => {
    const parsed = BmWebhookRequest.parse(notesSample);
    expect(parsed.dialogUuid).toBe("a9e20000");
    expect(parsed.message.body.content).toBe("hi");
    expect(parsed.contact?.email).toBeNull();
  });

  it("keeps unknown fields at every level", () => {
    const parsed = BmWebhookRequest.parse({
      ...notesSample,
      extra: 1,
      message: { ...notesSample.message, flag: true, body: { content: "hi", mood: "happy" } },
      contact: { ...notesSample.contact, b_company: "ACME", channel_names: "viber,sms" },
    });
    expect(parsed.extra).toBe(1);
    expect(parsed.message.flag).toBe(true);
    expect(parsed.message.body.mood).toBe("happy");
    expect(parsed.contact?.b_company).toBe("ACME");
  });

  it("coerces numbers sent as strings", () => {
    const location = BmWebhookRequest.parse(bmLocationRequest());
    expect(location.message.body.latitude).toBe(47.3769);
    const video = BmWebhookRequest.parse(bmVideoRequest());
    expect(video.message.body.size).toBe(1048576);
    expect(video.message.body.playingLength).toBe(12);
  });

  it("rejects a non-numeric latitude", () => {
    const req = bmLocationRequest();
    expect(BmWebhookRequest.safeParse({ ...req, message: { ...req.message, body: { latitude: "north", longitude: 1 } } }).success).toBe(false);
  });

  it("accepts numeric ids and a null contact", () => {
    const req = bmTextRequest();
    const parsed = BmWebhookRequest.parse({ ...req, contact: null, message: { ...req.message, from: 41791234567 } });
    expect(parsed.message.from).toBe("41791234567");
    expect(parsed.contact).toBeNull();
  });

  it("rejects a missing or empty dialogUuid, and a missing body", () => {
    const { dialogUuid: _omit, ...noDialog } = notesSample;
    expect(BmWebhookRequest.safeParse(noDialog).success).toBe(false);
    expect(BmWebhookRequest.safeParse({ ...notesSample, dialogUuid: "" }).success).toBe(false);
    const { body: _body, ...noBody } = notesSample.message;
    const result = BmWebhookRequest.safeParse({ ...notesSample, message: noBody });
    expect(result.success).toBe(false);
    expect(result.error?.issues[0]?.path).toEqual(["message", "body"]);
  });
});

describe("isBmDebugReport", () => {
  it("recognises error reports", () => {
    expect(isBmDebugReport(bmDebugReport())).toBe(true);
    expect(isBmDebugReport({ errors: [] , dialogUuid: "x", message: {} })).toBe(true);
    expect(isBmDebugReport({ serviceUuid: "x", detail: "something failed" })).toBe(true);
  });

  it("takes a request missing only dialogUuid or message, or an empty object, for a malformed request (400)", () => {
    expect(isBmDebugReport({ dialogUuid: "x" })).toBe(false);
    expect(isBmDebugReport({ message: { body: {} } })).toBe(false);
    expect(isBmDebugReport({})).toBe(false);
  });

  it("does not take a message or a non-object for a report", () => {
    expect(isBmDebugReport(notesSample)).toBe(false);
    expect(isBmDebugReport({ ...notesSample, error: null })).toBe(false);
    expect(isBmDebugReport(null)).toBe(false);
    expect(isBmDebugReport([{ error: "x" }])).toBe(false);
    expect(isBmDebugReport("error")).toBe(false);
  });
});
