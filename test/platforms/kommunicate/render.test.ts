import { type OutboundMessage, type Suggestion, call, card, carousel, choice, file, link, location, picture, say, showOnMap } from "../../../lib/conversation";
import { type KommunicateMessage, renderKommunicate } from "../../../lib/platforms/kommunicate/render";
import {
  MAX_CARD_BUTTONS,
  MAX_CAROUSEL_CARDS,
  MAX_MIXED_BUTTONS,
  MAX_QUICK_REPLIES,
  isHttpsUrl,
  telUrl,
  videoSource,
} from "../../../lib/platforms/kommunicate/render-templates";
import { hasUndefined, planCard } from "../../support/render-helpers";

const rich = (message: string, templateId: string, payload: unknown[]): KommunicateMessage => ({
  message,
  metadata: { contentType: "300", templateId, payload },
});



describe("text", () => {
  it("renders plain text", () => {
    expect(renderKommunicate([say("Hello")])).toEqual({ messages: [{ message: "Hello" }], degradations: [] });
  });

  it("renders reply-only suggestions as template 6 with the postback as message (docs/platforms/kommunicate.md §4)", () => {
    const r = renderKommunicate([say("Hi! How can I help?"), say("Pick one:", [choice("Opening hours", "opening hours"), choice("Talk to an agent", "agent")])]);
    expect(r.messages).toEqual([
      { message: "Hi! How can I help?" },
      {
        message: "Pick one:",
        metadata: {
          contentType: "300",
          templateId: "6",
          payload: [
            { title: "Opening hours", message: "opening hours" },
            { title: "Talk to an agent", message: "agent" },
          ],
        },
      },
    ]);
    expect(r.degradations).toEqual([]);
  });

  it("matches the seed's suggested-reply shape and uses string ids", () => {
    const r = renderKommunicate([say("A message can be a actionable message containing metadata", [choice("Suggested Reply button 1"), choice("Suggested Reply button 2")])]);
    expect(JSON.parse(JSON.stringify(r.messages))).toEqual([
      {
        message: "A message can be a actionable message containing metadata",
        metadata: {
          contentType: "300",
          templateId: "6",
          payload: [
            { title: "Suggested Reply button 1", message: "Suggested Reply button 1" },
            { title: "Suggested Reply button 2", message: "Suggested Reply button 2" },
          ],
        },
      },
    ]);
    const metadata = r.messages[0]?.metadata ?? {};
    expect(typeof metadata.contentType).toBe("string");
    expect(typeof metadata.templateId).toBe("string");
  });

  it("renders url, dial and map suggestions as template 11 mixed buttons, order kept", () => {
    const r = renderKommunicate([
      say("Need more?", [
        choice("Yes", "YES"),
        link("Docs", "https://example.com/docs"),
        call("Call us", "+31 20 123 4567"),
        showOnMap("Office", 52.37, 4.89),
        { kind: "map", text: "Shop", latitude: 1, longitude: 2, url: "https://maps.example.com/shop" },
      ]),
    ]);
    expect(r.messages).toEqual([
      rich("Need more?", "11", [
        { name: "Yes", type: "quickReply", action: { message: "YES" } },
        { name: "Docs", type: "link", action: { url: "https://example.com/docs" } },
        { name: "Call us", type: "link", action: { url: "tel:+31201234567" } },
        { name: "Office", type: "link", action: { url: "https://maps.google.com/?q=52.37,4.89" } },
        { name: "Shop", type: "link", action: { url: "https://maps.example.com/shop" } },
      ]),
    ]);
    expect(r.degradations).toEqual([]);
  });

  it("appends compose and calendar suggestions as text lines, with degradations", () => {
    const r = renderKommunicate([
      say("Options", [
        choice("Go", "GO"),
        { kind: "compose", text: "Text us", phone: "+3161234", body: "START" },
        { kind: "calendar", text: "Save", title: "Meeting", start: "2025-01-01T10:00:00Z", end: "2025-01-01T11:00:00Z" },
      ]),
    ]);
    expect(r.messages).toEqual([
      rich('Options\n\nText us: send "START" to +3161234\nSave: Meeting, 2025-01-01T10:00:00Z – 2025-01-01T11:00:00Z', "6", [
        { title: "Go", message: "GO" },
      ]),
    ]);
    expect(r.degradations).toHaveLength(2);
    expect(r.degradations[0]).toContain('compose suggestion "Text us"');
    expect(r.degradations[1]).toContain('calendar suggestion "Save"');
  });

  it("sends compose-only suggestions as a plain text message", () => {
    const r = renderKommunicate([say("Hi", [{ kind: "compose", text: "Text us", phone: "+3161234", body: "START" }])]);
    expect(r.messages).toEqual([{ message: 'Hi\n\nText us: send "START" to +3161234' }]);
    expect(r.degradations).toHaveLength(1);
  });

  it("does not truncate long titles", () => {
    const long = "A very long button caption that goes on and on";
    const r = renderKommunicate([say("Pick", [choice(long, "L")])]);
    expect(r.messages).toEqual([rich("Pick", "6", [{ title: long, message: "L" }])]);
    expect(r.degradations).toEqual([]);
  });

  it("cuts quick replies beyond the cap", () => {
    const choices = Array.from({ length: MAX_QUICK_REPLIES + 2 }, (_, i) => choice(`C${i}`, `P${i}`));
    const r = renderKommunicate([say("Pick", choices)]);
    expect(MAX_QUICK_REPLIES).toBe(10);
    expect(r.messages).toEqual([
      rich(
        "Pick",
        "6",
        Array.from({ length: MAX_QUICK_REPLIES }, (_, i) => ({ title: `C${i}`, message: `P${i}` })),
      ),
    ]);
    expect(r.degradations).toEqual([`2 quick reply(ies) after a text cut (max ${MAX_QUICK_REPLIES})`]);
  });

  it("cuts mixed buttons beyond the cap", () => {
    const links = Array.from({ length: MAX_MIXED_BUTTONS + 1 }, (_, i) => link(`L${i}`, `https://e.com/${i}`));
    const r = renderKommunicate([say("Links", links)]);
    const payload = r.messages[0]?.metadata?.payload;
    expect(Array.isArray(payload) && payload.length).toBe(MAX_MIXED_BUTTONS);
    expect(r.degradations).toEqual([`1 button(s) after a text cut (max ${MAX_MIXED_BUTTONS})`]);
  });
});

describe("https only", () => {
  it("refuses non-https link suggestions and keeps the rest", () => {
    const r = renderKommunicate([
      say("Links", [link("Old", "http://example.com/old"), link("New", "https://example.com/new"), choice("Ok", "OK")]),
    ]);
    expect(r.messages).toEqual([
      rich("Links", "11", [
        { name: "New", type: "link", action: { url: "https://example.com/new" } },
        { name: "Ok", type: "quickReply", action: { message: "OK" } },
      ]),
    ]);
    expect(r.degradations).toEqual(['url suggestion "Old" after a text: URL "http://example.com/old" refused (not https): dropped']);
  });

  it("falls back to template 6 when the only links are refused", () => {
    const r = renderKommunicate([say("Pick", [link("Old", "http://example.com"), choice("Ok", "OK")])]);
    expect(r.messages).toEqual([rich("Pick", "6", [{ title: "Ok", message: "OK" }])]);
    expect(r.degradations).toHaveLength(1);
  });

  it("sends plain text when every suggestion is refused", () => {
    const r = renderKommunicate([say("Pick", [link("Old", "ftp://example.com/x")])]);
    expect(r.messages).toEqual([{ message: "Pick" }]);
    expect(r.degradations).toHaveLength(1);
  });

  it("replaces a non-https map URL by the Google Maps URL", () => {
    const r = renderKommunicate([say("Where", [{ kind: "map", text: "Shop", latitude: 1.5, longitude: -2, url: "http://maps.example.com" }])]);
    expect(r.messages).toEqual([rich("Where", "11", [{ name: "Shop", type: "link", action: { url: "https://maps.google.com/?q=1.5,-2" } }])]);
    expect(r.degradations).toEqual(['map suggestion "Shop" after a text: URL "http://maps.example.com" refused (not https): linked to Google Maps instead']);
  });

  it("turns a refused picture into its caption as text, or drops it", () => {
    const r = renderKommunicate([picture("http://cdn.example.com/a.jpg", {}, "Entrance"), picture("http://cdn.example.com/b.jpg")]);
    expect(r.messages).toEqual([{ message: "Entrance" }]);
    expect(r.degradations).toEqual([
      'picture: URL "http://cdn.example.com/a.jpg" refused (not https): sent as text',
      'picture: URL "http://cdn.example.com/b.jpg" refused (not https): dropped',
    ]);
  });

  it("turns refused video, audio and file into text", () => {
    const r = renderKommunicate([
      { type: "media", kind: "video", media: { url: "http://v.example.com/a.mp4" }, caption: "Tour" },
      { type: "media", kind: "audio", media: { url: "http://a.example.com/a.mp3", name: "jingle.mp3" } },
      file("javascript:alert(1)", { name: "x.pdf" }, "Terms"),
    ]);
    expect(r.messages).toEqual([{ message: "Tour" }, { message: "jingle.mp3" }, { message: "Terms" }]);
    expect(r.degradations).toHaveLength(3);
  });

  it("drops a non-https card image but keeps the card", () => {
    const r = renderKommunicate([card({ title: "Plan", media: { url: "http://cdn.example.com/p.jpg" } })]);
    expect(r.messages).toEqual([rich("Plan", "10", [{ title: "Plan" }])]);
    expect(r.degradations).toEqual(['image on card "Plan": URL "http://cdn.example.com/p.jpg" refused (not https): dropped']);
  });

  it("recognises https URLs strictly", () => {
    expect(isHttpsUrl("https://example.com/a?b=c")).toBe(true);
    expect(isHttpsUrl("HTTPS://EXAMPLE.COM")).toBe(true);
    expect(isHttpsUrl("http://example.com")).toBe(false);
    expect(isHttpsUrl("//example.com")).toBe(false);
    expect(isHttpsUrl(" https://example.com")).toBe(false);
    expect(isHttpsUrl("https:example")).toBe(true); // WHATWG parses this as https://example/
    expect(isHttpsUrl("not a url")).toBe(false);
    expect(telUrl(" +1 555 0100 ")).toBe("tel:+15550100");
    expect(telUrl("  ")).toBeUndefined();
  });

  it("drops a dial suggestion without a phone number", () => {
    const r = renderKommunicate([say("Call", [call("Call", " "), choice("No", "NO")])]);
    expect(r.messages).toEqual([rich("Call", "6", [{ title: "No", message: "NO" }])]);
    expect(r.degradations).toEqual(['dial suggestion "Call" after a text: empty phone number: dropped']);
  });
});

describe("media", () => {
  it("renders a picture as template 9, caption in payload and message", () => {
    const r = renderKommunicate([picture("https://cdn.example.com/office.jpg", {}, "Main entrance"), picture("https://cdn.example.com/b.jpg")]);
    expect(r.messages).toEqual([
      rich("Main entrance", "9", [{ url: "https://cdn.example.com/office.jpg", caption: "Main entrance" }]),
      rich("", "9", [{ url: "https://cdn.example.com/b.jpg" }]),
    ]);
    expect(r.degradations).toEqual([]);
  });

  it("renders a video as template 14, with source only for YouTube/Vimeo links", () => {
    const r = renderKommunicate([
      { type: "media", kind: "video", media: { url: "https://cdn.example.com/tour.mp4" }, caption: "Tour" },
      { type: "media", kind: "video", media: { url: "https://www.youtube.com/embed/abc123" } },
      { type: "media", kind: "video", media: { url: "https://player.vimeo.com/video/42" }, caption: "V" },
    ]);
    expect(r.messages).toEqual([
      rich("Tour", "14", [{ url: "https://cdn.example.com/tour.mp4", caption: "Tour" }]),
      rich("", "14", [{ url: "https://www.youtube.com/embed/abc123", source: "youtube" }]),
      rich("V", "14", [{ url: "https://player.vimeo.com/video/42", source: "vimeo", caption: "V" }]),
    ]);
    expect(videoSource("https://youtu.be/abc")).toBe("youtube");
    expect(videoSource("https://notyoutube.com/abc")).toBeUndefined();
  });

  it("renders audio and file as a template 3 link button", () => {
    const r = renderKommunicate([
      { type: "media", kind: "audio", media: { url: "https://cdn.example.com/a.mp3", name: "jingle.mp3" } },
      file("https://cdn.example.com/terms.pdf", { name: "terms.pdf" }, "Our terms"),
      file("https://cdn.example.com/x"),
    ]);
    expect(r.messages).toEqual([
      rich("jingle.mp3", "3", [{ type: "link", url: "https://cdn.example.com/a.mp3", name: "jingle.mp3", openLinkInNewTab: true }]),
      rich("Our terms", "3", [{ type: "link", url: "https://cdn.example.com/terms.pdf", name: "terms.pdf", openLinkInNewTab: true }]),
      rich("", "3", [{ type: "link", url: "https://cdn.example.com/x", name: "Open file", openLinkInNewTab: true }]),
    ]);
    expect(r.degradations).toEqual([]);
  });

  it("renders a file list as one template 3 message, refusing non-https files", () => {
    const r = renderKommunicate([
      {
        type: "fileList",
        text: "Your documents",
        files: [
          { url: "https://cdn.example.com/a.pdf", name: "a.pdf" },
          { url: "http://cdn.example.com/b.pdf", name: "b.pdf" },
          { url: "https://cdn.example.com/c" },
        ],
      },
    ]);
    expect(r.messages).toEqual([
      rich("Your documents", "3", [
        { type: "link", url: "https://cdn.example.com/a.pdf", name: "a.pdf", openLinkInNewTab: true },
        { type: "link", url: "https://cdn.example.com/c", name: "Open file", openLinkInNewTab: true },
      ]),
    ]);
    expect(r.degradations).toEqual(['file "b.pdf" in a file list: URL "http://cdn.example.com/b.pdf" refused (not https): dropped']);
  });

  it("sends a file list whose files are all refused as its text", () => {
    const r = renderKommunicate([{ type: "fileList", text: "Docs", files: [{ url: "http://x.example.com/a" }] }]);
    expect(r.messages).toEqual([{ message: "Docs" }]);
  });
});

describe("location and contact", () => {
  it("sends a location as a template 3 Google Maps link", () => {
    const r = renderKommunicate([location(52.37, 4.89, "Our office"), location(1, 2)]);
    expect(r.messages).toEqual([
      rich("Our office", "3", [{ type: "link", url: "https://maps.google.com/?q=52.37,4.89", name: "Open in Maps", openLinkInNewTab: true }]),
      rich("Location", "3", [{ type: "link", url: "https://maps.google.com/?q=1,2", name: "Open in Maps", openLinkInNewTab: true }]),
    ]);
    expect(r.degradations).toEqual([]);
  });

  it("uses a location's own https URL, and refuses a non-https one", () => {
    const r = renderKommunicate([location(1, 2, "A", "https://maps.example.com/a"), location(1, 2, "B", "http://maps.example.com/b")]);
    expect(r.messages).toEqual([
      rich("A", "3", [{ type: "link", url: "https://maps.example.com/a", name: "Open in Maps", openLinkInNewTab: true }]),
      rich("B", "3", [{ type: "link", url: "https://maps.google.com/?q=1,2", name: "Open in Maps", openLinkInNewTab: true }]),
    ]);
    expect(r.degradations).toHaveLength(1);
  });

  it("sends a contact as text lines, with a degradation", () => {
    const r = renderKommunicate([
      { type: "contact", name: "Ann", phone: "+3120", email: "ann@example.com", address: "Main St 1" },
      { type: "contact", name: "Bob", email: "bob@example.com" },
    ]);
    expect(r.messages).toEqual([{ message: "Ann\n+3120\nann@example.com\nMain St 1" }, { message: "Bob\nbob@example.com" }]);
    expect(r.degradations).toHaveLength(2);
  });
});

describe("cards and carousels", () => {
  it("renders a card as template 10 with one element; title is the fallback message", () => {
    const r = renderKommunicate([
      card(planCard("Gold", [choice("Choose", "GOLD"), link("Details", "https://example.com/gold"), call("Call", "+3120")])),
    ]);
    expect(r.messages).toEqual([
      rich("Gold", "10", [
        {
          title: "Gold",
          description: "About Gold",
          header: { imgSrc: "https://cdn.example.com/Gold.jpg" },
          buttons: [
            { name: "Choose", action: { type: "quickReply", payload: { message: "GOLD" } } },
            { name: "Details", action: { type: "link", payload: { url: "https://example.com/gold" } } },
            { name: "Call", action: { type: "link", payload: { url: "tel:+3120" } } },
          ],
        },
      ]),
    ]);
    expect(r.degradations).toEqual([]);
  });

  it("omits absent fields of a minimal card", () => {
    const r = renderKommunicate([card({ title: "Bare", description: "" })]);
    expect(r.messages).toEqual([rich("Bare", "10", [{ title: "Bare" }])]);
  });

  it("renders a carousel with the first title as message", () => {
    const r = renderKommunicate([carousel([planCard("Silver"), planCard("Gold", [showOnMap("Find", 1, 2)])])]);
    expect(r.messages).toEqual([
      rich("Silver", "10", [
        { title: "Silver", description: "About Silver", header: { imgSrc: "https://cdn.example.com/Silver.jpg" } },
        {
          title: "Gold",
          description: "About Gold",
          header: { imgSrc: "https://cdn.example.com/Gold.jpg" },
          buttons: [{ name: "Find", action: { type: "link", payload: { url: "https://maps.google.com/?q=1,2" } } }],
        },
      ]),
    ]);
  });

  it("caps cards at 10 and buttons per card at 3", () => {
    const buttons = [choice("A", "A"), choice("B", "B"), choice("C", "C"), choice("D", "D")];
    const cards = Array.from({ length: MAX_CAROUSEL_CARDS + 2 }, (_, i) => planCard(`P${i}`, i === 0 ? buttons : undefined));
    const r = renderKommunicate([carousel(cards)]);
    expect(MAX_CAROUSEL_CARDS).toBe(10);
    expect(MAX_CARD_BUTTONS).toBe(3);
    const payload = r.messages[0]?.metadata?.payload as Array<{ title: string; buttons?: unknown[] }>;
    expect(payload.map((c) => c.title)).toEqual(Array.from({ length: MAX_CAROUSEL_CARDS }, (_, i) => `P${i}`));
    expect(payload[0]?.buttons).toEqual([
      { name: "A", action: { type: "quickReply", payload: { message: "A" } } },
      { name: "B", action: { type: "quickReply", payload: { message: "B" } } },
      { name: "C", action: { type: "quickReply", payload: { message: "C" } } },
    ]);
    expect(r.degradations).toEqual(["2 carousel card(s) cut (max 10)", '1 button(s) on card "P0" cut (max 3)']);
  });

  it("sends compose/calendar card suggestions as a text bubble after the carousel", () => {
    const compose: Suggestion = { kind: "compose", text: "Text us", phone: "+3161", body: "GOLD" };
    const r = renderKommunicate([carousel([planCard("Silver"), planCard("Gold", [compose])])]);
    expect(r.messages[1]).toEqual({ message: 'Gold\nText us: send "GOLD" to +3161' });
    expect(r.degradations).toEqual(['compose suggestion "Text us" on card "Gold" has no Kommunicate button: sent as a text line']);
  });

  it("reports an empty carousel", () => {
    const r = renderKommunicate([{ type: "carousel", cards: [] }]);
    expect(r).toEqual({ messages: [], degradations: ["empty carousel: nothing sent"] });
  });
});

describe("handover", () => {
  it("adds KM_ASSIGN_TO to the last message, keeping its template metadata", () => {
    const r = renderKommunicate([say("Connecting you…"), say("Meanwhile:", [choice("Cancel", "CANCEL")])], { handover: { target: "agent-7" } });
    expect(r.messages).toEqual([
      { message: "Connecting you…" },
      {
        message: "Meanwhile:",
        metadata: { contentType: "300", templateId: "6", payload: [{ title: "Cancel", message: "CANCEL" }], KM_ASSIGN_TO: "agent-7" },
      },
    ]);
  });

  it("uses an empty target by default (docs/platforms/kommunicate.md §5)", () => {
    const r = renderKommunicate([say("Connecting you to an agent…")], { handover: {} });
    expect(r.messages).toEqual([{ message: "Connecting you to an agent…", metadata: { KM_ASSIGN_TO: "" } }]);
  });

  it("adds an empty bubble when there is no message", () => {
    expect(renderKommunicate([], { handover: { target: "" } })).toEqual({ messages: [{ message: "", metadata: { KM_ASSIGN_TO: "" } }], degradations: [] });
  });

  it("adds nothing without handover", () => {
    expect(renderKommunicate([])).toEqual({ messages: [], degradations: [] });
  });
});

describe("output hygiene", () => {
  const everything: OutboundMessage[] = [
    say("Hello"),
    say("Pick", [choice("A", "A"), link("L", "https://e.com"), link("Bad", "http://e.com"), call("C", "+1")]),
    picture("https://cdn.example.com/a.jpg"),
    { type: "media", kind: "video", media: { url: "https://youtu.be/x" } },
    { type: "media", kind: "audio", media: { url: "https://cdn.example.com/a.mp3" } },
    file("https://cdn.example.com/a.pdf"),
    { type: "fileList", files: [{ url: "https://cdn.example.com/b.pdf" }] },
    location(1, 2),
    { type: "contact", name: "Ann" },
    card({ title: "T" }),
    carousel([planCard("X", [choice("Go", "GO")]), { title: "Y", media: { url: "http://bad.example.com/y.jpg" } }]),
  ];

  it("emits clean JSON (no undefined), deterministically, without mutating the input", () => {
    const before = JSON.stringify(everything);
    const first = renderKommunicate(everything, { handover: { target: "a" } });
    const second = renderKommunicate(everything, { handover: { target: "a" } });
    expect(hasUndefined(first)).toBe(false);
    expect(JSON.parse(JSON.stringify(first))).toEqual(first);
    expect(second).toEqual(first);
    expect(JSON.stringify(everything)).toBe(before);
    for (const m of first.messages) {
      if (m.metadata?.templateId !== undefined) {
        expect(m.metadata.contentType).toBe("300");
        expect(typeof m.metadata.templateId).toBe("string");
      }
    }
  });
});
