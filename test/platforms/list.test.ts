import { choice, link, listAsText, type OutboundMessage } from "../../lib/conversation";
import { renderBm } from "../../lib/platforms/business-messenger/render";
import { renderEngage } from "../../lib/platforms/engage/render";
import { renderKommunicate } from "../../lib/platforms/kommunicate/render";
import { renderTwoWay } from "../../lib/platforms/twoway/render";

/** A list: Kommunicate's list template natively, text with options everywhere else. */
const list: OutboundMessage = {
  type: "list",
  header: "Our accounts",
  items: [
    { title: "Regular", description: "Everyday banking", imageUrl: "https://cdn.example.com/r.png", action: choice("Open", "OPEN_REGULAR") },
    { title: "Savings", description: "2.1% interest", imageUrl: "http://insecure.example.com/s.png", action: link("Details", "https://example.com/savings") },
  ],
  suggestions: [choice("Agent", "AGENT"), { kind: "dial", text: "Call us", phone: "+41441234567" }],
};

test("Kommunicate renders template 7 with quick-reply and link actions; non-https images and other actions are left out", () => {
  const { messages, degradations } = renderKommunicate([list]);
  expect(messages).toEqual([
    {
      message: "Our accounts",
      metadata: {
        contentType: "300",
        templateId: "7",
        payload: {
          headerText: "Our accounts",
          elements: [
            { title: "Regular", description: "Everyday banking", imgSrc: "https://cdn.example.com/r.png", action: { type: "quick_reply", text: "OPEN_REGULAR" } },
            { title: "Savings", description: "2.1% interest", action: { type: "link", url: "https://example.com/savings" } },
          ],
          buttons: [{ name: "Agent", action: { type: "quick_reply", text: "AGENT" } }],
        },
      },
    },
  ]);
  expect(degradations).toEqual([
    'list item "Savings": non-https image http://insecure.example.com/s.png left out',
    'list button "Call us": dial action left out of the list',
  ]);
});

test("listAsText: header and item lines, item actions then the list's own suggestions", () => {
  expect(listAsText(list as Extract<OutboundMessage, { type: "list" }>)).toEqual({
    type: "text",
    text: "Our accounts\n• Regular: Everyday banking\n• Savings: 2.1% interest",
    suggestions: [choice("Open", "OPEN_REGULAR"), link("Details", "https://example.com/savings"), choice("Agent", "AGENT"), { kind: "dial", text: "Call us", phone: "+41441234567" }],
  });
});

test("Business Messenger on SMS and TwoWay number the list's options; Engage shows buttons; each says it degraded", () => {
  const sms = renderBm([list], "SMS");
  expect(sms.messages.map((m) => m.body.content).join("\n")).toMatch(/• Regular: Everyday banking[\s\S]*1\) Open[\s\S]*2\) Agent/);
  expect(sms.degradations.some((d) => d.startsWith("list has no Business Messenger body"))).toBe(true);

  const chat = { id: "c", accountId: "a", channel: "WhatsApp", conversationClientId: "u", conversationHostId: "h" };
  const tw = renderTwoWay([list], chat);
  expect(tw.body.conversationMessages[0]!.text).toMatch(/^Our accounts\n• Regular: Everyday banking\n• Savings: 2.1% interest\n\n/);
  expect(tw.numberedOptions.map((o) => o.postback)).toEqual(["OPEN_REGULAR", "AGENT"]);

  const engage = renderEngage([list]);
  // Three buttons at most (Open, Details, Agent); the fourth option, a call, becomes a text line.
  expect(engage.messages[0]).toMatchObject({ type: "buttons", config: { textMessages: [{ text: "Our accounts\n• Regular: Everyday banking\n• Savings: 2.1% interest\n\nCall us: +41441234567" }] } });
  expect((engage.messages[0] as { config: { buttons: Array<{ title: string }> } }).config.buttons.map((b) => b.title)).toEqual(["Open", "Details", "Agent"]);
  expect(engage.degradations).toContain("list sent as text with its options");
});
