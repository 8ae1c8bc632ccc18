import { createHash } from "node:crypto";
import type { Turn } from "../../../lib/conversation";
import { SKIP_REASON, twoWayMessageId, twoWayToTurns } from "../../../lib/platforms/twoway/inbound";
import { TwoWayDelivery, type TwoWayDeliveryInput } from "../../../lib/platforms/twoway/schema";
import {
  TW_CHAT_ID,
  TW_CLIENT_ID,
  TW_MESSAGE_ID,
  twDelivery,
  twEchoDelivery,
  twEchoMessage,
  twMixedDelivery,
  twMultiDelivery,
  twRawBody,
  twTextMessage,
  twUnknownTypeMessage,
} from "./fixtures";

const NOW = 1_760_000_000_000;

function turnsOf(input: TwoWayDeliveryInput, raw: Buffer = twRawBody(input)) {
  return twoWayToTurns(TwoWayDelivery.parse(input), raw, NOW);
}

const sha256 = (text: string) => `sha256:${createHash("sha256").update(text, "utf8").digest("hex")}`;

describe("twoWayToTurns", () => {
  it("maps the documented sample delivery to one text turn", () => {
    expect(turnsOf(twDelivery())).toEqual({
      turns: [
        {
          platform: "twoway",
          conversationId: TW_CHAT_ID,
          userId: TW_CLIENT_ID,
          messageId: TW_MESSAGE_ID,
          channel: "WhatsApp",
          userName: "Ana",
          message: { type: "text", text: "hi" },
          receivedAt: NOW,
        } satisfies Turn,
      ],
      skipped: [],
    });
  });

  it("uses the chat id as the conversation, even when it came as a number", () => {
    const { turns } = turnsOf(twDelivery({ chatId: 987654321 }));
    expect(turns[0]?.conversationId).toBe("987654321");
  });

  it("keeps any channel string and leaves out a missing name", () => {
    const { turns } = turnsOf(twDelivery({ chat: { channel: "Telegram Messenger", conversationClientName: undefined } }));
    expect(turns[0]?.channel).toBe("Telegram Messenger");
    expect(turns[0]).not.toHaveProperty("userName");
  });

  it("falls back to the chat id as user when conversationClientId is blank", () => {
    const { turns } = turnsOf(twDelivery({ chat: { conversationClientId: " " } }));
    expect(turns[0]?.userId).toBe(TW_CHAT_ID);
  });

  it("accepts $type TEXT in any case", () => {
    const { turns, skipped } = turnsOf(twDelivery({ messages: [twTextMessage("hello", { $type: "Text" })] }));
    expect(turns.map((t) => t.message)).toEqual([{ type: "text", text: "hello" }]);
    expect(skipped).toEqual([]);
  });

  it("keeps the order of several messages, each with its own id", () => {
    const { turns } = turnsOf(twMultiDelivery(["one", "two", "three"]));
    expect(turns.map((t) => [t.messageId, t.message])).toEqual([
      [`${TW_MESSAGE_ID}-1`, { type: "text", text: "one" }],
      [`${TW_MESSAGE_ID}-2`, { type: "text", text: "two" }],
      [`${TW_MESSAGE_ID}-3`, { type: "text", text: "three" }],
    ]);
  });

  it("skips an unknown $type with a reason instead of throwing, and keeps the texts around it", () => {
    const { turns, skipped } = turnsOf(twMixedDelivery());
    expect(turns.map((t) => [t.messageId, t.message])).toEqual([
      ["m-1", { type: "text", text: "first" }],
      ["m-3", { type: "text", text: "second" }],
    ]);
    expect(skipped).toEqual([{ id: "m-2", type: "image", reason: "unsupported type" }]);
  });

  it("skips anything not ClientOriginated: our echo, another direction, no direction", () => {
    expect(turnsOf(twEchoDelivery())).toEqual({
      turns: [],
      skipped: [{ id: "d3c6e8a0-2f4b-4c6e-8a0c-4e6a8c0e2f4b", type: "text", reason: SKIP_REASON.direction }],
    });
    const { turns, skipped } = turnsOf(
      twDelivery({
        messages: [
          twTextMessage("x", { id: "a", direction: "clientoriginated" }),
          twTextMessage("y", { id: "b", direction: undefined }),
          twUnknownTypeMessage("image", { id: "c", direction: "ClientTerminated" }),
          twEchoMessage("z", { id: undefined }),
        ],
      }),
    );
    expect(turns).toEqual([]);
    expect(skipped).toEqual([
      { id: "a", type: "text", reason: "not ClientOriginated" },
      { id: "b", type: "text", reason: "not ClientOriginated" },
      { id: "c", type: "image", reason: "not ClientOriginated" },
      { type: "text", reason: "not ClientOriginated" },
    ]);
  });

  it("skips a text message whose text is not a string", () => {
    const { turns, skipped } = turnsOf(twDelivery({ messages: [twTextMessage("x", { text: 42 as unknown as string })] }));
    expect(turns).toEqual([]);
    expect(skipped).toEqual([{ id: TW_MESSAGE_ID, type: "text", reason: "text message without a string text" }]);
  });

  it("derives a message id from the raw body and index when the router sent none", () => {
    const input = twDelivery({
      messages: [twTextMessage("one", { id: undefined }), twTextMessage("two", { id: "" })],
    });
    const raw = twRawBody(input);
    const { turns } = turnsOf(input, raw);
    expect(turns.map((t) => t.messageId)).toEqual([`${sha256(`${raw.toString("utf8")}#0`)}`, sha256(`${raw.toString("utf8")}#1`)]);
    expect(turns[0]?.messageId).toMatch(/^sha256:[0-9a-f]{64}$/);
    // Same body → same id (a redelivery dedupes); another body → another id.
    expect(turnsOf(input, raw).turns[0]?.messageId).toBe(turns[0]?.messageId);
    expect(turnsOf(input, Buffer.concat([raw, Buffer.from(" ")])).turns[0]?.messageId).not.toBe(turns[0]?.messageId);
  });

  it("twoWayMessageId prefers the router's id", () => {
    expect(twoWayMessageId({ $type: "text", id: "abc" }, Buffer.from("{}"), 0)).toBe("abc");
    expect(twoWayMessageId({ $type: "text" }, Buffer.from("{}"), 3)).toBe(sha256("{}#3"));
  });

  it("gives no turns for a delivery without messages", () => {
    expect(turnsOf({ chat: twDelivery().chat })).toEqual({ turns: [], skipped: [] });
  });
});
