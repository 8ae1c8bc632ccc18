import type { Card, OutboundMessage, Suggestion } from "../../../lib/conversation";
import { renderBm } from "../../../lib/platforms/business-messenger/render";
import { smsLength } from "../../../lib/platforms/business-messenger/sms-encoding";

const reply = (text: string, postback = text.toUpperCase()): Suggestion => ({ kind: "reply", text, postback });
const bodies = (r: ReturnType<typeof renderBm>) => r.messages.map((m) => m.body);
const contents = (r: ReturnType<typeof renderBm>) =>
  r.messages.map((m) => m.body.content).filter((c): c is string => typeof c === "string");
const MiB = 1024 * 1024;

const allSuggestions: Suggestion[] = [
  reply("Opening hours", "HOURS"),
  { kind: "url", text: "Website", url: "https://example.com" },
  { kind: "dial", text: "Call", phone: "+41441234567" },
  { kind: "compose", text: "Text us", phone: "+41790000000", body: "START" },
  { kind: "map", text: "Find us", latitude: 47.3769, longitude: 8.5417, label: "Office" },
  { kind: "calendar", text: "Save date", title: "Demo", start: "2026-05-01T10:00:00Z", end: "2026-05-01T11:00:00Z" },
];

const card = (title: string, suggestions: Suggestion[] = [reply(`Choose ${title}`, `PLAN_${title}`)]): Card => ({
  title,
  description: `About ${title}`,
  media: { url: `https://cdn.example.com/${title}.jpg` },
  suggestions,
});

describe("renderBm on rich channels", () => {
  it("renders text and every suggestion action natively on RCS", () => {
    const r = renderBm([{ type: "text", text: "Hello! How can I help?", suggestions: allSuggestions }], "RCS (RBM)");
    expect(bodies(r)).toEqual([
      { content: "Hello! How can I help?" },
      {
        suggestions: [
          { text: "Opening hours", postback: "HOURS", replyWith: { postback: "HOURS" } },
          { text: "Website", postback: "Website", openUrl: { url: "https://example.com" } },
          { text: "Call", postback: "Call", dialNumber: { number: "+41441234567" } },
          { text: "Text us", postback: "Text us", composeMessage: { number: "+41790000000", test: "START" } },
          { text: "Find us", postback: "Find us", showMapLocation: { latitude: 47.3769, longitude: 8.5417, label: "Office" } },
          {
            text: "Save date",
            postback: "Save date",
            createCalendarEvent: { title: "Demo", start: "2026-05-01T10:00:00Z", end: "2026-05-01T11:00:00Z" },
          },
        ],
      },
    ]);
    expect(r.degradations).toEqual([]);
    expect(r.channel).toBe("RCS");
  });

  it("names composeMessage's text field as configured", () => {
    const r = renderBm([{ type: "text", text: "x", suggestions: [allSuggestions[3] as Suggestion] }], "RCS", {
      composeTextField: "text",
    });
    expect(r.messages[1]?.body).toEqual({
      suggestions: [{ text: "Text us", postback: "Text us", composeMessage: { number: "+41790000000", text: "START" } }],
    });
  });

  it.each<[string, OutboundMessage, Record<string, unknown>]>([
    [
      "picture",
      { type: "media", kind: "picture", media: { url: "https://cdn.example.com/plan.png", size: 48211, thumbnailUrl: "https://cdn.example.com/t.jpg" } },
      {
        name: "plan.png",
        url: "https://cdn.example.com/plan.png",
        mimeType: "image/png",
        size: 48211,
        thumbnailName: "t.jpg",
        thumbnailUrl: "https://cdn.example.com/t.jpg",
        thumbnailMimeType: "image/jpeg",
      },
    ],
    [
      "video",
      { type: "media", kind: "video", media: { url: "https://cdn.example.com/v.mp4", name: "Intro", mimeType: "video/mp4", playingLength: 30 } },
      { name: "Intro", url: "https://cdn.example.com/v.mp4", mimeType: "video/mp4", playingLength: 30 },
    ],
    [
      "audio",
      { type: "media", kind: "audio", media: { url: "https://cdn.example.com/a.mp3", size: 1000, playingLength: 5, thumbnailUrl: "https://x/t.png" } },
      { name: "a.mp3", url: "https://cdn.example.com/a.mp3", mimeType: "audio/mpeg", size: 1000, playingLength: 5 },
    ],
    [
      "file",
      { type: "file", media: { url: "https://cdn.example.com/doc.pdf" } },
      { name: "doc.pdf", url: "https://cdn.example.com/doc.pdf", mimeType: "application/pdf" },
    ],
    [
      "fileList",
      { type: "fileList", text: "Your documents", files: [{ url: "https://cdn.example.com/a.pdf" }, { url: "https://cdn.example.com/b.pdf" }] },
      {
        text: "Your documents",
        files: [
          { name: "a.pdf", url: "https://cdn.example.com/a.pdf", mimeType: "application/pdf" },
          { name: "b.pdf", url: "https://cdn.example.com/b.pdf", mimeType: "application/pdf" },
        ],
      },
    ],
    [
      "location",
      { type: "location", latitude: 47.3769, longitude: 8.5417, label: "Our office" },
      { latitude: 47.3769, longitude: 8.5417, text: "Our office", url: "https://maps.google.com/?q=47.3769,8.5417" },
    ],
    [
      "contact",
      { type: "contact", name: "ACME Support", phone: "+41441234567", email: "help@acme.example" },
      { name: "ACME Support", email: "help@acme.example", phone: "+41441234567" },
    ],
  ])("renders a %s body on Viber", (_kind, message, body) => {
    const r = renderBm([message], "Viber");
    expect(bodies(r)).toEqual([body]);
    expect(r.degradations).toEqual([]);
  });

  it("sends a media caption as text before the media", () => {
    const r = renderBm(
      [{ type: "media", kind: "picture", caption: "Our plan:", media: { url: "https://cdn.example.com/plan.png", mimeType: "image/jpg" } }],
      "Viber",
    );
    expect(bodies(r)).toEqual([
      { content: "Our plan:" },
      { name: "plan.png", url: "https://cdn.example.com/plan.png", mimeType: "image/jpeg" },
    ]);
  });

  it("renders a card and a carousel with layout and content", () => {
    const one = renderBm([{ type: "card", card: card("A") }], "Viber");
    expect(bodies(one)).toEqual([
      {
        layout: {},
        content: [
          {
            media: { url: "https://cdn.example.com/A.jpg" },
            title: "A",
            description: "About A",
            suggestions: [{ text: "Choose A", postback: "PLAN_A", replyWith: { postback: "PLAN_A" } }],
          },
        ],
      },
    ]);
    const many = renderBm([{ type: "carousel", cards: [card("A"), card("B"), card("C")] }], "RCS");
    expect(many.messages).toHaveLength(1);
    expect(many.messages[0]?.body.content).toHaveLength(3);
    expect(many.degradations).toEqual([]);
  });
});

describe("renderBm degradation", () => {
  it("splits a 2000-char GSM-7 text on SMS into pieces of at most 918 units, at word boundaries", () => {
    const words = Array.from({ length: 400 }, (_, i) => `w${i}x`);
    const text = words.join(" ").slice(0, 2000).replace(/\s\S*$/, "");
    const r = renderBm([{ type: "text", text: `${text} {braces} [cost] 2 septets each` }], "SMS");
    const pieces = contents(r);
    expect(pieces.length).toBeGreaterThanOrEqual(3);
    for (const p of pieces) {
      expect(smsLength(p)).toMatchObject({ encoding: "GSM-7" });
      expect(smsLength(p).units).toBeLessThanOrEqual(918);
    }
    // No word was cut: every piece's words are whole words of the original.
    const original = new Set(`${text} {braces} [cost] 2 septets each`.split(" "));
    for (const p of pieces) for (const w of p.split(" ")) expect(original.has(w)).toBe(true);
    expect(r.degradations.join("\n")).toMatch(/split into \d+ messages/);
  });

  it("splits a UCS-2 text on SMS at 402 units", () => {
    const text = "Привет мир 😀 ".repeat(120).trim();
    const pieces = contents(renderBm([{ type: "text", text }], "SMS"));
    expect(pieces.length).toBeGreaterThan(3);
    for (const p of pieces) {
      expect(smsLength(p).encoding).toBe("UCS-2");
      expect(smsLength(p).units).toBeLessThanOrEqual(402);
    }
    expect(pieces.join(" ")).toBe(text);
  });

  it("splits on Facebook with the 640-char with-buttons limit when suggestions follow", () => {
    const r = renderBm([{ type: "text", text: "lorem ipsum ".repeat(100), suggestions: [reply("OK")] }], "Facebook");
    const pieces = contents(r);
    expect(pieces.length).toBe(2);
    for (const p of pieces) expect(p.length).toBeLessThanOrEqual(640);
    expect(r.messages.at(-1)?.body.suggestions).toBeDefined();
  });

  it("turns reply suggestions on SMS into numbered options inside the text", () => {
    const r = renderBm(
      [{ type: "text", text: "What do you need?", suggestions: [reply("Balance", "BAL"), reply("Agent", "AGENT")] }],
      "SMS",
    );
    expect(bodies(r)).toEqual([{ content: "What do you need?\n\n1) Balance\n2) Agent" }]);
    expect(r.numberedOptions).toEqual([
      { number: 1, text: "Balance", postback: "BAL" },
      { number: 2, text: "Agent", postback: "AGENT" },
    ]);
    expect(r.degradations.join("\n")).toMatch(/numbered options/);
  });

  it("keeps text + numbered options within the SMS limit", () => {
    const text = "a".repeat(900);
    const r = renderBm([{ type: "text", text, suggestions: [reply("Balance"), reply("Agent")] }], "SMS");
    for (const p of contents(r)) expect(smsLength(p).units).toBeLessThanOrEqual(918);
    expect(contents(r).join("\n")).toContain("2) Agent");
  });

  it("turns an openUrl suggestion on SMS into a text line", () => {
    const r = renderBm([{ type: "text", text: "More:", suggestions: [{ kind: "url", text: "Website", url: "https://example.com/x" }] }], "SMS");
    expect(bodies(r)).toEqual([{ content: "More:\n\nWebsite: https://example.com/x" }]);
    expect(r.messages.some((m) => "suggestions" in m.body)).toBe(false);
  });

  it("turns actions a channel lacks into lines and keeps the rest native (Viber: no dial)", () => {
    const r = renderBm([{ type: "text", text: "Hi", suggestions: [reply("Yes"), { kind: "dial", text: "Call", phone: "+41441234567" }] }], "Viber");
    expect(bodies(r)).toEqual([
      { content: "Hi\n\nCall: +41441234567" },
      { suggestions: [{ text: "Yes", postback: "YES", replyWith: { postback: "YES" } }] },
    ]);
  });

  it("caps WhatsApp at 3 suggestions and 20-char captions", () => {
    const r = renderBm(
      [
        {
          type: "text",
          text: "Pick one",
          suggestions: [reply("Check my account balance"), reply("Two"), reply("Three"), reply("Four"), reply("Five")],
        },
      ],
      "WhatsApp",
    );
    const suggestions = r.messages[1]?.body.suggestions as Array<{ text: string; postback: string }>;
    expect(suggestions).toHaveLength(3);
    for (const s of suggestions) expect(s.text.length).toBeLessThanOrEqual(20);
    expect(suggestions[0]).toMatchObject({ text: "Check my account…", postback: "CHECK MY ACCOUNT BALANCE" });
    expect(r.degradations.join("\n")).toMatch(/2 suggestion\(s\) .* cut/);
    expect(r.degradations.join("\n")).toMatch(/truncated to 20/);
  });

  it("turns a carousel on SMS into text only, with numbered options and links", () => {
    const r = renderBm(
      [{ type: "carousel", cards: [card("A"), card("B", [{ kind: "url", text: "Details", url: "https://example.com/b" }])] }],
      "SMS",
    );
    expect(r.messages.every((m) => typeof m.body.content === "string")).toBe(true);
    expect(contents(r).join("\n")).toBe(
      "A\nAbout A\nhttps://cdn.example.com/A.jpg\n1) Choose A\n\nB\nAbout B\nhttps://cdn.example.com/B.jpg\nDetails: https://example.com/b",
    );
    expect(r.numberedOptions).toEqual([{ number: 1, text: "Choose A", postback: "PLAN_A" }]);
  });

  it("turns a carousel on WhatsApp (no carousels) into text, but a one-card carousel into a card", () => {
    const many = renderBm([{ type: "carousel", cards: [card("A"), card("B")] }], "WhatsApp");
    expect(many.messages.some((m) => Array.isArray(m.body.content))).toBe(false);
    const one = renderBm([{ type: "carousel", cards: [card("A")] }], "WhatsApp");
    expect(Array.isArray(one.messages[0]?.body.content)).toBe(true);
  });

  it("caps carousel cards (Viber 6) and buttons per card (Viber 2, WhatsApp 3)", () => {
    const threeButtons = [reply("One"), reply("Two"), reply("Three"), reply("Four")];
    const r = renderBm([{ type: "carousel", cards: Array.from({ length: 8 }, (_, i) => card(`C${i}`, threeButtons)) }], "Viber");
    const content = r.messages[0]?.body.content as Array<{ suggestions: unknown[] }>;
    expect(content).toHaveLength(6);
    for (const item of content) expect(item.suggestions).toHaveLength(2);
    const wa = renderBm([{ type: "card", card: card("A", threeButtons) }], "WhatsApp");
    expect((wa.messages[0]?.body.content as Array<{ suggestions: unknown[] }>)[0]?.suggestions).toHaveLength(3);
    expect(r.degradations.join("\n")).toMatch(/cut to 6/);
  });

  it("truncates card title and description, within Telegram's combined 1024", () => {
    const long = { title: "T".repeat(100), description: "word ".repeat(300), suggestions: [reply("OK")] };
    const fb = renderBm([{ type: "card", card: long }], "Facebook");
    const item = (fb.messages[0]?.body.content as Array<{ title: string; description: string }>)[0];
    expect(item?.title.length).toBeLessThanOrEqual(80);
    expect(item?.description.length).toBeLessThanOrEqual(80);
    expect(item?.title.endsWith("…")).toBe(true);
    const tg = renderBm([{ type: "card", card: long }], "Telegram");
    const tgItem = (tg.messages[0]?.body.content as Array<{ title: string; description: string }>)[0];
    expect((tgItem?.title.length ?? 0) + (tgItem?.description.length ?? 0) + 2).toBeLessThanOrEqual(1024);
  });

  it("degrades media over the size limit to a text link", () => {
    const r = renderBm(
      [{ type: "media", kind: "video", caption: "Tour", media: { url: "https://cdn.example.com/tour.mp4", size: 17 * MiB } }],
      "WhatsApp",
    );
    expect(bodies(r)).toEqual([{ content: "Tour: https://cdn.example.com/tour.mp4" }]);
    expect(r.degradations.join("\n")).toMatch(/over the WhatsApp limit/);
    // The same video fits Viber's 26 MiB.
    expect(renderBm([{ type: "media", kind: "video", media: { url: "https://cdn.example.com/tour.mp4", size: 17 * MiB } }], "Viber").messages[0]?.body.url).toBe(
      "https://cdn.example.com/tour.mp4",
    );
  });

  it("degrades an image type the channel does not allow, and any media on SMS", () => {
    const gif = renderBm([{ type: "media", kind: "picture", media: { url: "https://cdn.example.com/fun.gif" } }], "WhatsApp");
    expect(bodies(gif)).toEqual([{ content: "https://cdn.example.com/fun.gif" }]);
    const sms = renderBm([{ type: "file", caption: "Invoice", media: { url: "https://cdn.example.com/i.pdf" } }], "SMS");
    expect(bodies(sms)).toEqual([{ content: "Invoice: https://cdn.example.com/i.pdf" }]);
  });

  it("sends at most one media/location/contact body per reply", () => {
    const r = renderBm(
      [
        { type: "media", kind: "picture", media: { url: "https://cdn.example.com/1.png" } },
        { type: "media", kind: "picture", caption: "Second", media: { url: "https://cdn.example.com/2.png" } },
        { type: "location", latitude: 1, longitude: 2, label: "Here" },
        { type: "contact", name: "Bob", phone: "+41" },
      ],
      "Viber",
    );
    const rich = r.messages.filter((m) => "url" in m.body || "latitude" in m.body || "name" in m.body);
    expect(rich).toHaveLength(1);
    expect(contents(r)).toEqual(["Second: https://cdn.example.com/2.png", "Here: https://maps.google.com/?q=1,2", "Bob\n+41"]);
    expect(r.degradations.filter((d) => d.includes("only one"))).toHaveLength(3);
  });

  it("turns location and contact into text on SMS", () => {
    const r = renderBm(
      [
        { type: "location", latitude: 47.3769, longitude: 8.5417, label: "Our office" },
        { type: "contact", name: "ACME", phone: "+41441234567" },
      ],
      "SMS",
    );
    expect(bodies(r)).toEqual([
      { content: "Our office: https://maps.google.com/?q=47.3769,8.5417" },
      { content: "ACME\n+41441234567" },
    ]);
  });

  it("renders an unknown channel like SMS and reports it", () => {
    const r = renderBm([{ type: "text", text: "Hi", suggestions: [reply("Yes")] }], "Pager");
    expect(r.channel).toBe("SMS");
    expect(bodies(r)).toEqual([{ content: "Hi\n\n1) Yes" }]);
    expect(r.degradations[0]).toMatch(/unknown channel "Pager"/);
  });

  it("is deterministic and renders nothing for no messages", () => {
    const input: OutboundMessage[] = [{ type: "carousel", cards: [card("A"), card("B")] }];
    expect(renderBm(input, "SMS")).toEqual(renderBm(input, "SMS"));
    expect(renderBm([], "SMS")).toEqual({ messages: [], degradations: [], channel: "SMS", numberedOptions: [] });
  });
});
