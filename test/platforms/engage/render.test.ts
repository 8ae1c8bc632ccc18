import { type Card, type OutboundMessage, call, card, carousel, choice, file, link, location, picture, say, showOnMap } from "../../../lib/conversation";
import { ENGAGE_CHANNEL_PROFILES, resolveEngageChannel } from "../../../lib/platforms/engage/channels";
import {
  type EngageMessage,
  MAX_QUICK_REPLIES,
  parsePostback,
  renderEngage,
  truncateTitle,
} from "../../../lib/platforms/engage/render";
import { hasUndefined, planCard } from "../../support/render-helpers";

const text = (t: string): EngageMessage => ({ type: "text", config: { textMessages: [{ text: t }] } });
const types = (ms: readonly EngageMessage[]) => ms.map((m) => m.type);



describe("text", () => {
  it("renders plain text", () => {
    expect(renderEngage([say("Hello")])).toEqual({ messages: [text("Hello")], degradations: [] });
  });

  it("renders reply-only suggestions as quick replies, with the postback convention", () => {
    const r = renderEngage([
      say("Which account?", [choice("Savings", "st_1?card_type=savings_account"), choice("Regular", "st_1?card_type=regular")]),
    ]);
    expect(r.messages).toEqual([
      {
        type: "quickReplies",
        config: {
          textMessages: [{ text: "Which account?" }],
          quickReplies: [
            { type: "postback", title: "Savings", payload: { nextDialogstateId: "st_1", params: [{ key: "card_type", value: "savings_account" }] } },
            { type: "postback", title: "Regular", payload: { nextDialogstateId: "st_1", params: [{ key: "card_type", value: "regular" }] } },
          ],
        },
      },
    ]);
    expect(r.degradations).toEqual([]);
  });

  it("omits params when the postback has none", () => {
    const r = renderEngage([say("Go?", [choice("Yes", "state_yes")])]);
    expect(r.messages).toEqual([
      {
        type: "quickReplies",
        config: {
          textMessages: [{ text: "Go?" }],
          quickReplies: [{ type: "postback", title: "Yes", payload: { nextDialogstateId: "state_yes" } }],
        },
      },
    ]);
  });

  it("renders buttons when a url, dial or map suggestion is present", () => {
    const r = renderEngage([
      say("Need help?", [choice("Agent", "st_agent?topic=card%20loss"), link("FAQ", "https://example.com/faq"), call("Call us", "+3221234567")]),
    ]);
    expect(r.messages).toEqual([
      {
        type: "buttons",
        config: {
          textMessages: [{ text: "Need help?" }],
          buttons: [
            { type: "postback", title: "Agent", payload: { nextDialogstateId: "st_agent", params: [{ key: "topic", value: "card loss" }] } },
            { type: "web_url", title: "FAQ", url: "https://example.com/faq" },
            { type: "phone_number", title: "Call us", payload: "+3221234567" },
          ],
        },
      },
    ]);
    expect(r.degradations).toEqual([]);
  });

  it("maps a map suggestion to a web_url button (its url, else Google Maps)", () => {
    const r = renderEngage([
      say("Where?", [showOnMap("Office", 50.85, 4.35), { kind: "map", text: "HQ", latitude: 1, longitude: 2, url: "https://maps.example.com/hq" }]),
    ]);
    expect(r.messages).toEqual([
      {
        type: "buttons",
        config: {
          textMessages: [{ text: "Where?" }],
          buttons: [
            { type: "web_url", title: "Office", url: "https://maps.google.com/?q=50.85,4.35" },
            { type: "web_url", title: "HQ", url: "https://maps.example.com/hq" },
          ],
        },
      },
    ]);
  });

  it("appends compose and calendar suggestions as text lines", () => {
    const r = renderEngage([
      say("Options", [
        choice("Yes", "st_yes"),
        { kind: "compose", text: "Text us", phone: "+32470000000", body: "START" },
        { kind: "calendar", text: "Save date", title: "Demo", start: "2026-05-01T10:00:00Z", end: "2026-05-01T11:00:00Z" },
      ]),
    ]);
    expect(r.messages).toEqual([
      {
        type: "quickReplies",
        config: {
          textMessages: [{ text: 'Options\n\nText us: send "START" to +32470000000\nSave date: Demo, 2026-05-01T10:00:00Z – 2026-05-01T11:00:00Z' }],
          quickReplies: [{ type: "postback", title: "Yes", payload: { nextDialogstateId: "st_yes" } }],
        },
      },
    ]);
    expect(r.degradations).toHaveLength(2);
    expect(r.degradations[0]).toContain("compose");
    expect(r.degradations[1]).toContain("calendar");
  });

  it("sends compose-only suggestions as a plain text message", () => {
    const r = renderEngage([say("Hi", [{ kind: "compose", text: "Text us", phone: "+32", body: "GO" }])]);
    expect(r.messages).toEqual([text('Hi\n\nText us: send "GO" to +32')]);
    expect(r.degradations).toHaveLength(1);
  });
});

describe("postback convention", () => {
  it("splits the state id from URL-decoded params", () => {
    expect(parsePostback("abc123?name=J%C3%BCrg%20M&amount=5&empty=&flag&=skipped&a%26b=c%3Dd")).toEqual({
      nextDialogstateId: "abc123",
      params: [
        { key: "name", value: "Jürg M" },
        { key: "amount", value: "5" },
        { key: "empty", value: "" },
        { key: "flag", value: "" },
        { key: "a&b", value: "c=d" },
      ],
    });
  });

  it("keeps '+' literal and malformed escapes raw", () => {
    expect(parsePostback("s?phone=+3212&bad=%E0%A4%A")).toEqual({
      nextDialogstateId: "s",
      params: [
        { key: "phone", value: "+3212" },
        { key: "bad", value: "%E0%A4%A" },
      ],
    });
  });

  it("has no params for a bare id or an empty query", () => {
    expect(parsePostback("state")).toEqual({ nextDialogstateId: "state" });
    expect(parsePostback("state?")).toEqual({ nextDialogstateId: "state" });
  });
});

describe("caps", () => {
  it("truncates titles to 20 chars with an ellipsis, at a word boundary", () => {
    expect(truncateTitle("Opening hours and more")).toBe("Opening hours and…");
    expect(truncateTitle("Supercalifragilisticexpialidocious")).toBe("Supercalifragilisti…");
    expect(truncateTitle("Exactly twenty chars")).toBe("Exactly twenty chars");
    const r = renderEngage([say("Q", [choice("Opening hours and more", "st_h")])]);
    expect(r.messages).toEqual([
      {
        type: "quickReplies",
        config: {
          textMessages: [{ text: "Q" }],
          quickReplies: [{ type: "postback", title: "Opening hours and…", payload: { nextDialogstateId: "st_h" } }],
        },
      },
    ]);
    expect(r.degradations).toEqual(['title "Opening hours and more" truncated to 20 chars']);
  });

  it("cuts quick replies beyond 13", () => {
    const replies = Array.from({ length: 15 }, (_, i) => choice(`R${i + 1}`, `st_${i + 1}`));
    const r = renderEngage([say("Pick", replies)]);
    const m = r.messages[0];
    expect(m?.type).toBe("quickReplies");
    if (m?.type !== "quickReplies") throw new Error("expected quickReplies");
    expect(m.config.quickReplies).toHaveLength(MAX_QUICK_REPLIES);
    expect(m.config.quickReplies.at(-1)?.title).toBe("R13");
    expect(r.degradations).toEqual(["2 quick reply(ies) after a text cut (max 13)"]);
  });

  it("keeps 3 buttons: replies first, extra links as text lines, extra replies cut, order preserved", () => {
    const r = renderEngage([
      say("Menu", [
        link("Site", "https://example.com"),
        choice("A", "st_a"),
        call("Phone", "+321"),
        choice("B", "st_b"),
        choice("C", "st_c"),
        choice("D", "st_d"),
      ]),
    ]);
    expect(r.messages).toEqual([
      {
        type: "buttons",
        config: {
          textMessages: [{ text: "Menu\n\nSite: https://example.com\nPhone: +321" }],
          buttons: [
            { type: "postback", title: "A", payload: { nextDialogstateId: "st_a" } },
            { type: "postback", title: "B", payload: { nextDialogstateId: "st_b" } },
            { type: "postback", title: "C", payload: { nextDialogstateId: "st_c" } },
          ],
        },
      },
    ]);
    expect(r.degradations).toEqual([
      "1 reply suggestion(s) after a text cut (max 3 buttons)",
      'url suggestion "Site" after a text over 3 buttons: sent as a text line',
      'dial suggestion "Phone" after a text over 3 buttons: sent as a text line',
    ]);
  });

  it("fills spare button slots with links in their order", () => {
    const r = renderEngage([say("M", [link("L1", "https://1"), choice("A", "st_a"), link("L2", "https://2"), link("L3", "https://3")])]);
    expect(r.messages).toEqual([
      {
        type: "buttons",
        config: {
          textMessages: [{ text: "M\n\nL3: https://3" }],
          buttons: [
            { type: "web_url", title: "L1", url: "https://1" },
            { type: "postback", title: "A", payload: { nextDialogstateId: "st_a" } },
            { type: "web_url", title: "L2", url: "https://2" },
          ],
        },
      },
    ]);
    expect(r.degradations).toHaveLength(1);
  });
});

describe("media", () => {
  it("maps picture, video, audio and file, with the caption as text before the media", () => {
    const msgs: OutboundMessage[] = [
      picture("https://cdn.example.com/a.jpg", { mimeType: "image/jpeg", size: 10 }, "Your receipt"),
      { type: "media", kind: "video", media: { url: "https://cdn.example.com/v.mp4" } },
      { type: "media", kind: "audio", media: { url: "https://cdn.example.com/a.mp3", playingLength: 3 } },
      file("https://cdn.example.com/doc.pdf", { name: "doc.pdf" }, "Contract"),
    ];
    expect(renderEngage(msgs)).toEqual({
      messages: [
        text("Your receipt"),
        { type: "media", config: { media: { type: "image", url: "https://cdn.example.com/a.jpg" } } },
        { type: "media", config: { media: { type: "video", url: "https://cdn.example.com/v.mp4" } } },
        { type: "media", config: { media: { type: "audio", url: "https://cdn.example.com/a.mp3" } } },
        text("Contract"),
        { type: "media", config: { media: { type: "attachment", url: "https://cdn.example.com/doc.pdf" } } },
      ],
      degradations: [],
    });
  });

  it("renders a file list as its text then one attachment per file", () => {
    const r = renderEngage([{ type: "fileList", text: "Your documents", files: [{ url: "https://x/1.pdf" }, { url: "https://x/2.pdf" }] }]);
    expect(r.messages).toEqual([
      text("Your documents"),
      { type: "media", config: { media: { type: "attachment", url: "https://x/1.pdf" } } },
      { type: "media", config: { media: { type: "attachment", url: "https://x/2.pdf" } } },
    ]);
    expect(types(renderEngage([{ type: "fileList", files: [{ url: "https://x/1.pdf" }] }]).messages)).toEqual(["media"]);
  });
});

describe("location and contact", () => {
  it("sends a location as a labelled maps link or its url, with a degradation", () => {
    const r = renderEngage([location(50.85, 4.35, "Office"), location(1.5, -2, undefined, "https://maps.example.com/x")]);
    expect(r.messages).toEqual([text("Office: https://maps.google.com/?q=50.85,4.35"), text("Location: https://maps.example.com/x")]);
    expect(r.degradations).toHaveLength(2);
  });

  it("sends a contact as text lines, with a degradation", () => {
    const r = renderEngage([{ type: "contact", name: "Ann", phone: "+321", email: "ann@example.com", address: "Main St 1" }]);
    expect(r.messages).toEqual([text("Ann\n+321\nann@example.com\nMain St 1")]);
    expect(r.degradations).toEqual(["contact has no Engage message type: sent as text"]);
    expect(renderEngage([{ type: "contact", name: "Bob", email: "b@x" }]).messages).toEqual([text("Bob\nb@x")]);
  });
});

describe("cards and carousels (native)", () => {
  it("renders a card as a one-element carousel; a lone url suggestion becomes webUrl", () => {
    const r = renderEngage([card(planCard("Gold", [link("More", "https://example.com/gold")]))]);
    expect(r).toEqual({
      messages: [
        {
          type: "carousel",
          config: {
            elements: [
              { title: "Gold", subTitle: "About Gold", imageUrl: "https://cdn.example.com/Gold.jpg", webUrl: "https://example.com/gold" },
            ],
          },
        },
      ],
      // The link's caption has no place on the element: cut, and recorded as cut (it used to vanish silently).
      degradations: ['url suggestion "More" on card "Gold": the card links to it, its caption left out'],
    });
  });

  it("turns mixed card suggestions into buttons and omits absent fields", () => {
    const r = renderEngage([
      carousel([
        planCard("Gold", [choice("Choose", "st_plan?plan=gold"), link("More", "https://example.com/gold")]),
        { title: "Basic" },
        { title: "Silver", suggestions: [call("Call", "+321")] },
      ]),
    ]);
    expect(r.messages).toEqual([
      {
        type: "carousel",
        config: {
          elements: [
            {
              title: "Gold",
              subTitle: "About Gold",
              imageUrl: "https://cdn.example.com/Gold.jpg",
              buttons: [
                { type: "postback", title: "Choose", payload: { nextDialogstateId: "st_plan", params: [{ key: "plan", value: "gold" }] } },
                { type: "web_url", title: "More", url: "https://example.com/gold" },
              ],
            },
            { title: "Basic" },
            { title: "Silver", buttons: [{ type: "phone_number", title: "Call", payload: "+321" }] },
          ],
        },
      },
    ]);
    expect(r.degradations).toEqual([]);
  });

  it("caps buttons per element at 3 and sends leftovers as text after the carousel", () => {
    const r = renderEngage([
      carousel([
        { title: "A", suggestions: [choice("1", "s1"), choice("2", "s2"), link("Web", "https://a"), link("Web2", "https://b")] },
        { title: "B", suggestions: [{ kind: "compose", text: "SMS", phone: "+1", body: "HI" }] },
      ]),
    ]);
    expect(r.messages).toEqual([
      {
        type: "carousel",
        config: {
          elements: [
            {
              title: "A",
              buttons: [
                { type: "postback", title: "1", payload: { nextDialogstateId: "s1" } },
                { type: "postback", title: "2", payload: { nextDialogstateId: "s2" } },
                { type: "web_url", title: "Web", url: "https://a" },
              ],
            },
            { title: "B" },
          ],
        },
      },
      text('A\nWeb2: https://b\nB\nSMS: send "HI" to +1'),
    ]);
    expect(r.degradations).toEqual([
      'url suggestion "Web2" on card "A" over 3 buttons: sent as a text line',
      'compose suggestion "SMS" on card "B" has no Engage button: sent as a text line',
    ]);
  });

  it("cuts a carousel to 10 elements", () => {
    const cards = Array.from({ length: 12 }, (_, i) => ({ title: `C${i + 1}` }));
    const r = renderEngage([carousel(cards)]);
    expect(r.messages).toEqual([{ type: "carousel", config: { elements: cards.slice(0, 10) } }]);
    expect(r.degradations).toEqual(["carousel of 12 cards cut to 10"]);
  });
});

describe("channel profiles", () => {
  const cards = [
    planCard("Gold", [choice("Choose Gold", "st_plan?plan=gold"), link("More", "https://example.com/gold")]),
    { title: "Basic", suggestions: [call("Call", "+321")] },
  ];
  const cardsText: EngageMessage = {
    type: "text",
    config: {
      textMessages: [
        { text: "Gold\nAbout Gold\nhttps://cdn.example.com/Gold.jpg\n• Choose Gold\nMore: https://example.com/gold" },
        { text: "Basic\nCall: +321" },
      ],
    },
  };

  it("sends carousels and cards as text blocks on WhatsApp (case-insensitive)", () => {
    const r = renderEngage([carousel(cards), card(cards[1] as Card)], { channel: "WhatsApp" });
    expect(r.messages).toEqual([cardsText, text("Basic\nCall: +321")]);
    expect(types(r.messages)).not.toContain("carousel");
    expect(r.degradations).toEqual([
      "carousel not supported on whatsapp: 2 card(s) sent as text",
      "card not supported on whatsapp: 1 card(s) sent as text",
    ]);
  });

  it("sends carousels as text on facebook and messenger, but keeps quick replies", () => {
    for (const channel of ["facebook", "Messenger"]) {
      const r = renderEngage([carousel(cards), say("Q", [choice("Yes", "st_y")])], { channel });
      expect(types(r.messages)).toEqual(["text", "quickReplies"]);
      expect(r.messages[0]).toEqual(cardsText);
    }
  });

  it("turns quick replies into postback buttons (max 3) on WhatsApp", () => {
    const r = renderEngage([say("Pick", [choice("A", "st_a?x=1"), choice("B", "st_b"), choice("C", "st_c"), choice("D", "st_d")])], {
      channel: "whatsapp",
    });
    expect(r.messages).toEqual([
      {
        type: "buttons",
        config: {
          textMessages: [{ text: "Pick" }],
          buttons: [
            { type: "postback", title: "A", payload: { nextDialogstateId: "st_a", params: [{ key: "x", value: "1" }] } },
            { type: "postback", title: "B", payload: { nextDialogstateId: "st_b" } },
            { type: "postback", title: "C", payload: { nextDialogstateId: "st_c" } },
          ],
        },
      },
    ]);
    expect(r.degradations).toEqual([
      "quick replies need approved templates on whatsapp: sent as postback buttons",
      "1 reply suggestion(s) after a text cut (max 3 buttons)",
    ]);
  });

  it("renders everything natively on web, webhook, sinchConversationAPI, zendesk, workplace, unknown or no channel", () => {
    const msgs = [carousel(cards), say("Q", [choice("Yes", "st_y")])];
    const native = renderEngage(msgs);
    expect(types(native.messages)).toEqual(["carousel", "quickReplies"]);
    for (const channel of ["web", "webHook", "sinchConversationAPI", "zendesk", "workplace", "telegram", " ", "toString"]) {
      expect(renderEngage(msgs, { channel })).toEqual(native);
    }
  });

  it("keeps the profiles as data", () => {
    expect(ENGAGE_CHANNEL_PROFILES.whatsapp).toEqual({ carousel: false, quickReplies: false });
    expect(resolveEngageChannel(" WhatsApp ").name).toBe("whatsapp");
    expect(resolveEngageChannel(undefined)).toEqual({ name: undefined, profile: { carousel: true, quickReplies: true } });
  });
});

describe("output hygiene", () => {
  const everything: OutboundMessage[] = [
    say("Hello"),
    say("Pick", [choice("A", "st_a?k=v"), choice("B", "st_b")]),
    say("Links", [link("Site", "https://x"), call("Call", "+1"), showOnMap("Map", 1, 2)]),
    picture("https://x/p.jpg"),
    file("https://x/f.pdf", {}, "File"),
    { type: "fileList", files: [{ url: "https://x/1" }] },
    location(1, 2),
    { type: "contact", name: "Ann" },
    card({ title: "Solo" }),
    carousel([{ title: "A", description: "" }, planCard("B", [choice("Go", "st_go")])]),
  ];

  it.each([undefined, "whatsapp", "facebook", "web"])("emits clean JSON on channel %s", (channel) => {
    const r = renderEngage(everything, channel === undefined ? {} : { channel });
    expect(hasUndefined(r)).toBe(false);
    expect(JSON.parse(JSON.stringify(r))).toEqual(r);
    expect(JSON.stringify(r)).not.toContain("subTitle\":\"\"");
  });

  it("is deterministic and does not mutate its input", () => {
    const before = JSON.stringify(everything);
    expect(renderEngage(everything, { channel: "whatsapp" })).toEqual(renderEngage(everything, { channel: "whatsapp" }));
    expect(JSON.stringify(everything)).toBe(before);
  });

  it("renders an empty list as nothing", () => {
    expect(renderEngage([])).toEqual({ messages: [], degradations: [] });
  });
});
