import {
  type Card,
  type OutboundMessage,
  call,
  card,
  carousel,
  choice,
  file,
  link,
  location,
  picture,
  say,
  showOnMap,
} from "../../../lib/conversation";
import { TwoWayDelivery } from "../../../lib/platforms/twoway/schema";
import {
  TWOWAY_MAX_TEXT_CHARS,
  type TwoWayChatRef,
  type TwoWayOutboundMessage,
  renderTwoWay,
  splitText,
} from "../../../lib/platforms/twoway/render";
import { TW_ACCOUNT_ID, TW_CHAT_ID, TW_CLIENT_ID, TW_HOST_ID, twDelivery } from "./fixtures";
import { hasUndefined } from "../../support/render-helpers";

const CHAT: TwoWayChatRef = {
  id: TW_CHAT_ID,
  accountId: TW_ACCOUNT_ID,
  channel: "WhatsApp",
  conversationClientId: TW_CLIENT_ID,
  conversationHostId: TW_HOST_ID,
};

const out = (text: string): TwoWayOutboundMessage => ({ $type: "text", direction: "ClientTerminated", text });
const texts = (messages: readonly OutboundMessage[], maxTextChars?: number) =>
  renderTwoWay(messages, CHAT, maxTextChars === undefined ? {} : { maxTextChars }).body.conversationMessages.map((m) => m.text);


const planCard = (name: string, suggestions?: Card["suggestions"]): Card => ({
  title: name,
  description: `About ${name}`,
  media: { url: `https://cdn.example.com/${name}.jpg` },
  ...(suggestions ? { suggestions } : {}),
});

describe("renderTwoWay body", () => {
  it("renders the reply of docs/platforms/twoway.md §4: lowercase text, ClientTerminated, the five chat fields", () => {
    const r = renderTwoWay([say("Hi! How can I help?", [choice("Opening hours", "hours"), choice("Talk to an agent", "agent")])], CHAT);
    expect(r).toEqual({
      body: {
        chat: {
          id: TW_CHAT_ID,
          accountId: TW_ACCOUNT_ID,
          channel: "WhatsApp",
          conversationClientId: TW_CLIENT_ID,
          conversationHostId: TW_HOST_ID,
        },
        conversationMessages: [{ $type: "text", direction: "ClientTerminated", text: "Hi! How can I help?\n\n1) Opening hours\n2) Talk to an agent" }],
      },
      numberedOptions: [
        { number: 1, text: "Opening hours", postback: "hours" },
        { number: 2, text: "Talk to an agent", postback: "agent" },
      ],
      degradations: ["2 reply suggestion(s) after a text shown as numbered options"],
    });
  });

  it("echoes only the five chat fields, never sessionId, the name or targetAdaptersInfo", () => {
    const delivery = TwoWayDelivery.parse(twDelivery({ targetAdaptersInfo: [{ adapterId: "x" }] }));
    const r = renderTwoWay([say("ok")], delivery.chat);
    expect(Object.keys(r.body.chat).sort()).toEqual(["accountId", "channel", "conversationClientId", "conversationHostId", "id"]);
    expect(r.body.chat).not.toHaveProperty("sessionId");
    expect(r.body.chat).not.toHaveProperty("conversationClientName");
    expect(r.body).not.toHaveProperty("targetAdaptersInfo");
    expect(Object.keys(r.body)).toEqual(["chat", "conversationMessages"]);
    expect(JSON.stringify(r.body)).not.toContain("sessionId");
  });

  it("renders plain text with no degradation and no options", () => {
    expect(renderTwoWay([say("Hello")], CHAT)).toMatchObject({
      body: { conversationMessages: [out("Hello")] },
      numberedOptions: [],
      degradations: [],
    });
  });

  it("gives an empty message array for an empty input", () => {
    expect(renderTwoWay([], CHAT)).toEqual({ body: { chat: CHAT, conversationMessages: [] }, numberedOptions: [], degradations: [] });
  });

  it("keeps several messages in order", () => {
    expect(texts([say("one"), say("two"), say("three")])).toEqual(["one", "two", "three"]);
  });

  it("drops an empty text with a degradation", () => {
    const r = renderTwoWay([say("  ")], CHAT);
    expect(r.body.conversationMessages).toEqual([]);
    expect(r.degradations).toEqual(["text: empty text, nothing sent"]);
  });

  it("uses lowercase text and ClientTerminated on every message, with clean JSON", () => {
    const all: OutboundMessage[] = [
      say("a", [choice("x"), link("Web", "https://example.com")]),
      picture("https://cdn.example.com/p.jpg", {}, "Pic"),
      file("https://cdn.example.com/f.pdf", { name: "f.pdf" }),
      { type: "fileList", files: [{ url: "https://cdn.example.com/1.pdf" }] },
      location(52.37, 4.89, "Office"),
      { type: "contact", name: "Ana", phone: "+31612345678" },
      card(planCard("Basic", [choice("Pick Basic", "basic")])),
      carousel([planCard("Basic"), planCard("Pro")]),
      say("b".repeat(10_000)),
    ];
    const r = renderTwoWay(all, CHAT);
    expect(r.body.conversationMessages.length).toBeGreaterThan(all.length);
    for (const m of r.body.conversationMessages) {
      expect(Object.keys(m)).toEqual(["$type", "direction", "text"]);
      expect(m.$type).toBe("text");
      expect(m.direction).toBe("ClientTerminated");
      expect(m.text.length).toBeGreaterThan(0);
    }
    expect(hasUndefined(r)).toBe(false);
    expect(JSON.parse(JSON.stringify(r.body))).toEqual(r.body);
  });

  it("is deterministic and does not mutate its input", () => {
    const input = [say("Pick", [choice("A", "a")]), carousel([planCard("Basic", [choice("B", "b")])])];
    const before = JSON.stringify(input);
    expect(renderTwoWay(input, CHAT)).toEqual(renderTwoWay(input, CHAT));
    expect(JSON.stringify(input)).toBe(before);
  });
});

describe("suggestions as text", () => {
  it("numbers reply options continuously across two texts", () => {
    const r = renderTwoWay([say("Size?", [choice("Small", "S"), choice("Large", "L")]), say("Colour?", [choice("Red", "R")])], CHAT);
    expect(r.body.conversationMessages.map((m) => m.text)).toEqual(["Size?\n\n1) Small\n2) Large", "Colour?\n\n3) Red"]);
    expect(r.numberedOptions).toEqual([
      { number: 1, text: "Small", postback: "S" },
      { number: 2, text: "Large", postback: "L" },
      { number: 3, text: "Red", postback: "R" },
    ]);
    expect(r.degradations).toEqual([
      "2 reply suggestion(s) after a text shown as numbered options",
      "1 reply suggestion(s) after a text shown as numbered options",
    ]);
  });

  it("turns url, dial, map, compose and calendar suggestions into Caption: value lines, in order", () => {
    const r = renderTwoWay(
      [
        say("Contact us", [
          link("Website", "https://example.com"),
          choice("Agent", "agent"),
          call("Call", "+31201234567"),
          showOnMap("Office", 52.37, 4.89),
          { kind: "map", text: "Shop", latitude: 1, longitude: 2, url: "https://maps.example.com/shop" },
          { kind: "compose", text: "Text us", phone: "+3197", body: "START" },
          { kind: "calendar", text: "Save", title: "Demo", start: "2025-02-01T10:00:00Z", end: "2025-02-01T11:00:00Z" },
        ]),
      ],
      CHAT,
    );
    expect(r.body.conversationMessages).toEqual([
      out(
        "Contact us\n\n" +
          "Website: https://example.com\n" +
          "1) Agent\n" +
          "Call: +31201234567\n" +
          "Office: https://maps.google.com/?q=52.37,4.89\n" +
          "Shop: https://maps.example.com/shop\n" +
          'Text us: send "START" to +3197\n' +
          "Save: Demo, 2025-02-01T10:00:00Z – 2025-02-01T11:00:00Z",
      ),
    ]);
    expect(r.numberedOptions).toEqual([{ number: 1, text: "Agent", postback: "agent" }]);
    expect(r.degradations).toEqual([
      "1 reply suggestion(s) after a text shown as numbered options",
      'url suggestion "Website" after a text sent as a text line',
      'dial suggestion "Call" after a text sent as a text line',
      'map suggestion "Office" after a text sent as a text line',
      'map suggestion "Shop" after a text sent as a text line',
      'compose suggestion "Text us" after a text sent as a text line',
      'calendar suggestion "Save" after a text sent as a text line',
    ]);
  });

  it("a text without words but with options sends only the options", () => {
    expect(texts([say("", [choice("Yes"), choice("No")])])).toEqual(["1) Yes\n2) No"]);
  });
});

describe("rich messages as text", () => {
  it("a card becomes title, description, image URL and its numbered options", () => {
    const r = renderTwoWay([card(planCard("Basic", [choice("Choose Basic", "basic"), link("Details", "https://example.com/basic")]))], CHAT);
    expect(r.body.conversationMessages).toEqual([
      out("Basic\nAbout Basic\nhttps://cdn.example.com/Basic.jpg\n1) Choose Basic\nDetails: https://example.com/basic"),
    ]);
    expect(r.numberedOptions).toEqual([{ number: 1, text: "Choose Basic", postback: "basic" }]);
    expect(r.degradations).toEqual([
      'card "Basic" sent as text',
      '1 reply suggestion(s) on card "Basic" shown as numbered options',
      'url suggestion "Details" on card "Basic" sent as a text line',
    ]);
  });

  it("a carousel becomes blocks separated by a blank line, numbering continuing after a text", () => {
    const r = renderTwoWay(
      [
        say("Plans:", [choice("Help", "help")]),
        carousel([planCard("Basic", [choice("Choose Basic", "basic")]), { title: "Pro", suggestions: [choice("Choose Pro", "pro")] }]),
      ],
      CHAT,
    );
    expect(r.body.conversationMessages.map((m) => m.text)).toEqual([
      "Plans:\n\n1) Help",
      "Basic\nAbout Basic\nhttps://cdn.example.com/Basic.jpg\n2) Choose Basic\n\nPro\n3) Choose Pro",
    ]);
    expect(r.numberedOptions.map((o) => [o.number, o.postback])).toEqual([
      [1, "help"],
      [2, "basic"],
      [3, "pro"],
    ]);
    expect(r.degradations).toContain("carousel of 2 card(s) sent as text");
  });

  it("media and files become a caption line and the URL", () => {
    const r = renderTwoWay(
      [
        picture("https://cdn.example.com/p.jpg", {}, "Your receipt"),
        { type: "media", kind: "video", media: { url: "https://cdn.example.com/v.mp4", name: "clip.mp4" } },
        { type: "media", kind: "audio", media: { url: "https://cdn.example.com/a.mp3" } },
        file("https://cdn.example.com/f.pdf", { name: "invoice.pdf" }, "Invoice"),
      ],
      CHAT,
    );
    expect(r.body.conversationMessages.map((m) => m.text)).toEqual([
      "Your receipt\nhttps://cdn.example.com/p.jpg",
      "clip.mp4\nhttps://cdn.example.com/v.mp4",
      "https://cdn.example.com/a.mp3",
      "Invoice\nhttps://cdn.example.com/f.pdf",
    ]);
    expect(r.degradations).toEqual([
      "picture sent as a text link",
      "video sent as a text link",
      "audio sent as a text link",
      "file sent as a text link",
    ]);
  });

  it("a file list becomes its text and one line per file", () => {
    const r = renderTwoWay(
      [{ type: "fileList", text: "Your documents", files: [{ url: "https://cdn.example.com/1.pdf", name: "a.pdf" }, { url: "https://cdn.example.com/2.pdf" }] }],
      CHAT,
    );
    expect(r.body.conversationMessages).toEqual([out("Your documents\na.pdf: https://cdn.example.com/1.pdf\nhttps://cdn.example.com/2.pdf")]);
    expect(r.degradations).toEqual(["file list of 2 file(s) sent as text links"]);
  });

  it("a location becomes its label and a maps link (its own URL when it has one)", () => {
    expect(texts([location(52.37, 4.89, "Office"), location(1.5, -2.25), location(0, 0, "Shop", "https://maps.example.com/x")])).toEqual([
      "Office: https://maps.google.com/?q=52.37,4.89",
      "Location: https://maps.google.com/?q=1.5,-2.25",
      "Shop: https://maps.example.com/x",
    ]);
    expect(renderTwoWay([location(1, 2)], CHAT).degradations).toEqual(["location sent as text"]);
  });

  it("a contact becomes its lines", () => {
    const r = renderTwoWay([{ type: "contact", name: "Ana", phone: "+31612345678", email: "ana@example.com", address: "Main St 1" }], CHAT);
    expect(r.body.conversationMessages).toEqual([out("Ana\n+31612345678\nana@example.com\nMain St 1")]);
    expect(r.degradations).toEqual(['contact "Ana" sent as text']);
  });
});

describe("long texts", () => {
  it("splits a 10 000-char text at word boundaries into pieces of at most 4096 chars", () => {
    const words = Array.from({ length: 2000 }, (_, i) => `w${String(i % 1000).padStart(3, "0")}`);
    const text = words.join(" ");
    expect(text.length).toBe(9999);
    const r = renderTwoWay([say(text)], CHAT);
    const pieces = r.body.conversationMessages.map((m) => m.text);
    expect(pieces).toHaveLength(3);
    for (const piece of pieces) {
      expect(piece.length).toBeLessThanOrEqual(TWOWAY_MAX_TEXT_CHARS);
      expect(piece).toMatch(/^w\d{3}( w\d{3})*$/);
    }
    expect(pieces.join(" ")).toBe(text);
    expect(r.degradations).toEqual(["text: text of 9999 chars split into 3 messages (limit 4096 chars)"]);
  });

  it("hard-cuts a single 10 000-char word into 4096-char pieces", () => {
    const pieces = texts([say("x".repeat(10_000))]);
    expect(pieces.map((p) => p.length)).toEqual([4096, 4096, 1808]);
  });

  it("honours maxTextChars, splitting text and options together, at newlines first", () => {
    const r = renderTwoWay([say("Pick one of these options please", [choice("Alpha"), choice("Beta")])], CHAT, { maxTextChars: 20 });
    expect(r.body.conversationMessages.map((m) => m.text)).toEqual(["Pick one of these", "options please", "1) Alpha\n2) Beta"]);
    expect(r.numberedOptions).toHaveLength(2);
  });

  it("prefers a newline in the second half of the piece", () => {
    expect(splitText("aaaa bbbb\ncccc dddd eeee", 16)).toEqual(["aaaa bbbb", "cccc dddd eeee"]);
  });

  it("never cuts inside a surrogate pair", () => {
    const pieces = splitText("😀😀😀", 3);
    expect(pieces).toEqual(["😀", "😀", "😀"]);
  });

  it("falls back to the default limit for a non-finite maxTextChars, and never goes below 2", () => {
    expect(texts([say("a".repeat(5000))], Number.NaN).map((p) => p.length)).toEqual([4096, 904]);
    expect(texts([say("abcde")], 0)).toEqual(["ab", "cd", "e"]);
  });
});
