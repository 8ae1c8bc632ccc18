import { KmChatContext, KommunicateWebhookRequest, chatContext } from "../../../lib/platforms/kommunicate/schema";
import { KM_GROUP_ID, kmDocsRequest, kmImageAndLocationRequest, kmStringContextMediaRequest, kmTextRequest } from "./fixtures";

// A sample request in the shape of docs/platforms/kommunicate.md §2, with a full key.
const notesSample = {
  botId: "acme-bot",
  key: "5-28f1c0de",
  from: "user-42",
  message: "hi",
  groupId: "91234567",
  metadata: { KM_CHAT_CONTEXT: { kmUserLocale: "en" } },
  contentType: "text",
  applicationKey: "abc123",
  source: "web",
  eventName: "",
  createdAt: 1552638706610,
};

function issuePaths(input: unknown): string[] {
  const result = KommunicateWebhookRequest.safeParse(input);
  if (result.success) return [];
  return result.error.issues.map((issue) => issue.path.join("."));
}

describe("KommunicateWebhookRequest", () => {
  it("accepts the documented sample request", () => {
    const parsed = KommunicateWebhookRequest.parse(notesSample);
    expect(parsed).toMatchObject({
      botId: "acme-bot",
      key: "5-28f1c0de",
      from: "user-42",
      message: "hi",
      groupId: "91234567",
      contentType: "text",
      eventName: "",
      createdAt: 1552638706610,
    });
    expect(parsed.metadata).toEqual({ KM_CHAT_CONTEXT: { kmUserLocale: "en" } });
  });

  it("accepts the fixtures", () => {
    expect(KommunicateWebhookRequest.parse(kmDocsRequest()).groupId).toBe(KM_GROUP_ID);
    expect(KommunicateWebhookRequest.parse(kmImageAndLocationRequest()).eventName).toBe("KOMMUNICATE_MEDIA_EVENT");
  });

  it("keeps unknown fields, at the top and in metadata", () => {
    const parsed = KommunicateWebhookRequest.parse({
      ...notesSample,
      clientGroupId: "cg-1",
      metadata: { ...notesSample.metadata, category: "HIDDEN" },
    });
    expect(parsed.clientGroupId).toBe("cg-1");
    expect(parsed.metadata?.category).toBe("HIDDEN");
  });

  it("accepts the bare minimum: key and groupId", () => {
    const parsed = KommunicateWebhookRequest.parse({ key: "k1", groupId: "g1" });
    expect(parsed.message).toBeUndefined();
    expect(parsed.metadata).toBeUndefined();
  });

  it("turns a numeric groupId into a string without losing digits", () => {
    expect(KommunicateWebhookRequest.parse({ ...notesSample, groupId: 91234567 }).groupId).toBe("91234567");
    expect(KommunicateWebhookRequest.parse({ ...notesSample, groupId: 9007199254740991 }).groupId).toBe("9007199254740991");
    // String(1e21) would be "1e+21".
    expect(KommunicateWebhookRequest.parse({ ...notesSample, groupId: 1e21 }).groupId).toBe("1000000000000000000000");
  });

  it("turns other numeric ids and codes into strings", () => {
    const parsed = KommunicateWebhookRequest.parse({ ...notesSample, from: 42, contentType: 10, source: 1 });
    expect(parsed.from).toBe("42");
    expect(parsed.contentType).toBe("10");
    expect(parsed.source).toBe("1");
  });

  it("coerces a numeric-string createdAt and rejects a non-numeric one", () => {
    expect(KommunicateWebhookRequest.parse({ ...notesSample, createdAt: "1552638706610" }).createdAt).toBe(1552638706610);
    expect(issuePaths({ ...notesSample, createdAt: "yesterday" })).toEqual(["createdAt"]);
  });

  it("reports a missing or empty key at path key", () => {
    const { key: _key, ...withoutKey } = notesSample;
    expect(issuePaths(withoutKey)).toEqual(["key"]);
    expect(issuePaths({ ...notesSample, key: "" })).toEqual(["key"]);
  });

  it("reports a missing, empty or non-id groupId at path groupId", () => {
    const { groupId: _groupId, ...withoutGroup } = notesSample;
    expect(issuePaths(withoutGroup)).toEqual(["groupId"]);
    expect(issuePaths({ ...notesSample, groupId: "" })).toEqual(["groupId"]);
    expect(issuePaths({ ...notesSample, groupId: { id: 1 } })).toEqual(["groupId"]);
  });

  it("parses metadata sent as a JSON string", () => {
    const parsed = KommunicateWebhookRequest.parse({
      ...notesSample,
      metadata: JSON.stringify({ KM_BUTTON_CLICKED: true, KM_CHAT_CONTEXT: { kmUserLocale: "fr" } }),
    });
    expect(parsed.metadata).toEqual({ KM_BUTTON_CLICKED: true, KM_CHAT_CONTEXT: { kmUserLocale: "fr" } });
  });

  it("reports metadata that is a string but not a JSON object at path metadata", () => {
    expect(issuePaths({ ...notesSample, metadata: "{not json" })).toEqual(["metadata"]);
    expect(issuePaths({ ...notesSample, metadata: "[1,2]" })).toEqual(["metadata"]);
    expect(issuePaths({ ...notesSample, metadata: 5 })).toEqual(["metadata"]);
  });

  it("treats null or blank metadata as absent", () => {
    expect(KommunicateWebhookRequest.parse({ ...notesSample, metadata: null }).metadata).toBeUndefined();
    expect(KommunicateWebhookRequest.parse({ ...notesSample, metadata: "  " }).metadata).toBeUndefined();
  });

  it("tolerates a null message and eventName", () => {
    const parsed = KommunicateWebhookRequest.parse({ ...kmTextRequest(), message: null, eventName: null });
    expect(parsed.message).toBeNull();
    expect(parsed.eventName).toBeNull();
  });
});

describe("chatContext", () => {
  it("reads an object context", () => {
    expect(chatContext({ KM_CHAT_CONTEXT: { kmUserLocale: "en", custom: 1 } })).toEqual({ kmUserLocale: "en", custom: 1 });
  });

  it("parses a JSON-string context", () => {
    const metadata = KommunicateWebhookRequest.parse(kmStringContextMediaRequest()).metadata;
    expect(typeof metadata?.KM_CHAT_CONTEXT).toBe("string");
    const context = chatContext(metadata);
    expect(context?.kmUserLocale).toBe("de");
    expect(context?.attachments).toEqual([
      { type: "image/png", payload: { name: "receipt.png", url: "https://cdn.example.com/receipt.png", size: 20480 } },
    ]);
  });

  it("treats garbage, non-objects and absence as no context, without throwing", () => {
    expect(chatContext({ KM_CHAT_CONTEXT: "{kmUserLocale: en" })).toBeUndefined();
    expect(chatContext({ KM_CHAT_CONTEXT: '"just a string"' })).toBeUndefined();
    expect(chatContext({ KM_CHAT_CONTEXT: "[]" })).toBeUndefined();
    expect(chatContext({ KM_CHAT_CONTEXT: 42 })).toBeUndefined();
    expect(chatContext({ KM_CHAT_CONTEXT: null })).toBeUndefined();
    expect(chatContext({})).toBeUndefined();
    expect(chatContext(undefined)).toBeUndefined();
  });

  it("coerces string sizes and coordinates", () => {
    const context = chatContext({
      KM_CHAT_CONTEXT: { attachments: [{ type: "location", payload: { lat: "52.37", lon: 4.89 } }] },
    });
    expect(context?.attachments?.[0]?.payload).toEqual({ lat: 52.37, lon: 4.89 });
  });

  it("drops malformed fields and attachments instead of rejecting the context", () => {
    const context = chatContext({
      KM_CHAT_CONTEXT: {
        kmUserLocale: 7,
        kmUserLanguageCode: "pt",
        formData: "not json",
        attachments: [
          { type: "image/png" }, // no payload
          { payload: { url: "https://x.example/y" } }, // no type
          { type: "application/pdf", payload: { url: "https://cdn.example.com/a.pdf", size: "big" } },
        ],
      },
    });
    expect(context?.kmUserLocale).toBeUndefined();
    expect(context?.kmUserLanguageCode).toBe("pt");
    expect(context?.formData).toBeUndefined();
    expect(context?.attachments).toEqual([{ type: "application/pdf", payload: { url: "https://cdn.example.com/a.pdf" } }]);
  });

  it("accepts formData as an object or a JSON string", () => {
    expect(KmChatContext.parse({ formData: { a: "1" } }).formData).toEqual({ a: "1" });
    expect(KmChatContext.parse({ formData: '{"a":"1"}' }).formData).toEqual({ a: "1" });
  });

  it("drops an attachments value that is not an array", () => {
    expect(chatContext({ KM_CHAT_CONTEXT: { attachments: "none", kmUserLocale: "en" } })).toEqual({ kmUserLocale: "en" });
  });
});
