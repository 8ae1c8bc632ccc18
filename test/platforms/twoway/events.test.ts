import { ROUTER_SESSION_ENDED, routerEvent } from "../../../lib/platforms/twoway/events";
import { TW_CHAT_ID, TW_EVENT_ID, twEventTypeBody, twEventsBody, twTypeBody } from "./fixtures";

describe("routerEvent", () => {
  it("reads the documented sample: conversationEvents[0] and chat.id", () => {
    expect(routerEvent(twEventsBody())).toEqual({ type: ROUTER_SESSION_ENDED, id: TW_EVENT_ID, chatId: TW_CHAT_ID });
    expect(ROUTER_SESSION_ENDED).toBe("RouterSessionEnded");
  });

  it("reads the eventType / eventId / chatId shape", () => {
    expect(routerEvent(twEventTypeBody())).toEqual({ type: "RouterSessionEnded", id: TW_EVENT_ID, chatId: TW_CHAT_ID });
  });

  it("reads the type / id / chatId shape", () => {
    expect(routerEvent(twTypeBody("SomethingElse"))).toEqual({ type: "SomethingElse", id: TW_EVENT_ID, chatId: TW_CHAT_ID });
  });

  it("reads a top-level $type", () => {
    expect(routerEvent({ $type: "RouterSessionEnded" })).toEqual({ type: "RouterSessionEnded" });
  });

  it("takes the type in the order conversationEvents[0].$type, $type, eventType, type", () => {
    const all = { conversationEvents: [{ $type: "A" }], $type: "B", eventType: "C", type: "D" };
    expect(routerEvent(all).type).toBe("A");
    expect(routerEvent({ ...all, conversationEvents: [] }).type).toBe("B");
    expect(routerEvent({ eventType: "C", type: "D" }).type).toBe("C");
    expect(routerEvent({ type: "D" }).type).toBe("D");
  });

  it("skips empty or non-string candidates for the type", () => {
    expect(routerEvent({ conversationEvents: [{ $type: "" }], $type: 5, eventType: "  ", type: "D" }).type).toBe("D");
    expect(routerEvent({ conversationEvents: [{ $type: " RouterSessionEnded " }] }).type).toBe("RouterSessionEnded");
  });

  it("only looks at the first event", () => {
    expect(routerEvent({ conversationEvents: [{}, { $type: "Second", id: "2" }] })).toEqual({});
  });

  it("takes the id in the order conversationEvents[0].id, id, eventId, numbers stringified", () => {
    expect(routerEvent({ conversationEvents: [{ id: "e1" }], id: "i", eventId: "x" }).id).toBe("e1");
    expect(routerEvent({ conversationEvents: [{}], id: 17, eventId: "x" }).id).toBe("17");
    expect(routerEvent({ eventId: "x" }).id).toBe("x");
  });

  it("takes the chat id from chat.id, else chatId", () => {
    expect(routerEvent({ chat: { id: "c1" }, chatId: "c2" }).chatId).toBe("c1");
    expect(routerEvent({ chat: { id: "" }, chatId: "c2" }).chatId).toBe("c2");
    expect(routerEvent({ chat: "c1", chatId: 42 }).chatId).toBe("42");
  });

  it("never throws, whatever JSON value it gets, and never reads inherited properties", () => {
    const values: unknown[] = [
      null,
      undefined,
      0,
      "RouterSessionEnded",
      true,
      [],
      [{ $type: "X" }],
      {},
      { conversationEvents: null },
      { conversationEvents: "x" },
      { conversationEvents: [null] },
      { conversationEvents: [[{ $type: "X" }]] },
      { chat: null },
      { chat: [] },
      JSON.parse('{"__proto__":{"type":"Injected"}}'),
      Object.create({ type: "Inherited", $type: "Inherited", chatId: "c1" }),
    ];
    for (const value of values) expect(routerEvent(value)).toEqual({});
  });
});
