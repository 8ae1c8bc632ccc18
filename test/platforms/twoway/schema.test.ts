import { TwoWayChat, TwoWayDelivery, TwoWayEvent, TwoWayMessage, type TwoWayMessageInput } from "../../../lib/platforms/twoway/schema";
import {
  TW_ACCOUNT_ID,
  TW_CHAT_ID,
  TW_CLIENT_ID,
  TW_CLIENT_NAME,
  TW_CREATED_ON,
  TW_HOST_ID,
  TW_MESSAGE_ID,
  TW_SESSION_ID,
  twChat,
  twDelivery,
  twEchoDelivery,
  twEventsBody,
  twMixedDelivery,
} from "./fixtures";

// A sample delivery in the shape of docs/platforms/twoway.md §2 (ids shortened).
const notesSample = {
  chat: {
    id: "2f0c…",
    sessionId: "7d3e…",
    accountId: "<technicalLinkId>",
    channel: "WhatsApp",
    conversationClientId: "0031612345678",
    conversationHostId: "0031201234567",
    conversationClientName: "Ana",
  },
  conversationMessages: [
    { $type: "text", id: "b1a4…", direction: "ClientOriginated", createdOn: "2025-01-31T10:15:00Z", text: "hi" },
  ],
};

function issuePaths(input: unknown): string[] {
  const result = TwoWayDelivery.safeParse(input);
  if (result.success) return [];
  return result.error.issues.map((issue) => issue.path.join("."));
}

describe("TwoWayDelivery", () => {
  it("accepts the documented sample and defaults conversationEvents to []", () => {
    expect(TwoWayDelivery.parse(notesSample)).toEqual({ ...notesSample, conversationEvents: [] });
  });

  it("accepts the fixtures", () => {
    const parsed = TwoWayDelivery.parse(twDelivery());
    expect(parsed.chat).toEqual({
      id: TW_CHAT_ID,
      sessionId: TW_SESSION_ID,
      accountId: TW_ACCOUNT_ID,
      channel: "WhatsApp",
      conversationClientId: TW_CLIENT_ID,
      conversationHostId: TW_HOST_ID,
      conversationClientName: TW_CLIENT_NAME,
    });
    expect(parsed.conversationMessages).toEqual([
      { $type: "text", id: TW_MESSAGE_ID, direction: "ClientOriginated", createdOn: TW_CREATED_ON, text: "hi" },
    ]);
    expect(TwoWayDelivery.parse(twEchoDelivery()).conversationMessages[0]?.direction).toBe("ClientTerminated");
  });

  it("accepts unknown message types and keeps their fields", () => {
    const parsed = TwoWayDelivery.parse(twMixedDelivery());
    expect(parsed.conversationMessages.map((m) => m.$type)).toEqual(["text", "image", "text"]);
    expect(parsed.conversationMessages[1]?.media).toEqual({
      mediaUri: "https://cdn.example.com/photo.jpg",
      mimeType: "image/jpeg",
    });
  });

  it("defaults missing or null message and event lists to []", () => {
    const parsed = TwoWayDelivery.parse({ chat: twChat(), conversationMessages: null, conversationEvents: null });
    expect(parsed.conversationMessages).toEqual([]);
    expect(parsed.conversationEvents).toEqual([]);
    expect(TwoWayDelivery.parse({ chat: twChat() }).conversationMessages).toEqual([]);
  });

  it("keeps targetAdaptersInfo and unknown top-level fields as received", () => {
    const info = [{ adapterId: "bot-adapter", adapterType: "TwoWay" }];
    const parsed = TwoWayDelivery.parse({ ...twDelivery({ targetAdaptersInfo: info }), extra: 1 });
    expect(parsed.targetAdaptersInfo).toEqual(info);
    expect(parsed.extra).toBe(1);
  });

  it("turns numeric ids into strings, also large ones", () => {
    const parsed = TwoWayDelivery.parse(
      twDelivery({
        chatId: 123456789012,
        chat: { accountId: 42, conversationClientId: 31612345678, conversationHostId: 31201234567, sessionId: 7 },
        messageId: null,
        messages: [{ $type: "text", id: 99, direction: "ClientOriginated", text: "hi" }],
      }),
    );
    expect(parsed.chat).toMatchObject({
      id: "123456789012",
      accountId: "42",
      conversationClientId: "31612345678",
      conversationHostId: "31201234567",
      sessionId: "7",
    });
    expect(parsed.conversationMessages[0]?.id).toBe("99");
    expect(TwoWayChat.parse(twChat({ id: 1e21 })).id).toBe("1000000000000000000000");
  });

  it("requires chat and its id, accountId, channel, conversationClientId and conversationHostId", () => {
    expect(issuePaths({ conversationMessages: [] })).toEqual(["chat"]);
    expect(issuePaths({ chat: {} })).toEqual([
      "chat.id",
      "chat.accountId",
      "chat.channel",
      "chat.conversationClientId",
      "chat.conversationHostId",
    ]);
    expect(issuePaths(twDelivery({ chatId: "" }))).toEqual(["chat.id"]);
    expect(issuePaths(twDelivery({ chat: { channel: true as unknown as string } }))).toEqual(["chat.channel"]);
  });

  it("rejects a body that is not an object, and a message without a string $type", () => {
    expect(issuePaths("hi")).toEqual([""]);
    expect(issuePaths(twDelivery({ messages: [{ text: "hi" } as unknown as TwoWayMessageInput] }))).toEqual([
      "conversationMessages.0.$type",
    ]);
    expect(issuePaths({ chat: twChat(), conversationMessages: {} })).toEqual(["conversationMessages"]);
  });

  it("drops unusable optional fields instead of rejecting", () => {
    const parsed = TwoWayDelivery.parse(
      twDelivery({
        chat: { sessionId: null, conversationClientName: 5 as unknown as string },
        messages: [{ $type: "text", id: "", direction: 1, createdOn: {}, text: ["hi"] } as unknown as TwoWayMessageInput],
      }),
    );
    expect(parsed.chat.sessionId).toBeUndefined();
    expect(parsed.chat.conversationClientName).toBeUndefined();
    const [message] = parsed.conversationMessages;
    expect(message?.id).toBeUndefined();
    expect(message?.direction).toBeUndefined();
    expect(message?.createdOn).toBeUndefined();
    expect(message?.text).toBeUndefined();
  });

  it("parses the events sample's conversationEvents", () => {
    const parsed = TwoWayDelivery.parse(twEventsBody());
    expect(parsed.conversationMessages).toEqual([]);
    expect(parsed.conversationEvents).toEqual([
      { $type: "RouterSessionEnded", id: "e71d3b5f-7a9c-4e1b-8d3f-5a7c9e1b3d5f", createdOn: "2025-01-31T10:45:00Z" },
    ]);
  });
});

describe("TwoWayMessage and TwoWayEvent", () => {
  it("a message needs only a string $type", () => {
    expect(TwoWayMessage.parse({ $type: "carousel" })).toEqual({ $type: "carousel" });
    expect(TwoWayMessage.safeParse({ $type: 3 }).success).toBe(false);
  });

  it("an event needs nothing, and drops a non-string $type", () => {
    expect(TwoWayEvent.parse({})).toEqual({});
    expect(TwoWayEvent.parse({ $type: 1, id: 12, foo: "bar" })).toEqual({ id: "12", foo: "bar" });
  });
});
