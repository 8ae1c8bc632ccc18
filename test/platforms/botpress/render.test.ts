import { type OutboundMessage, call, card, carousel, choice, file, link, location, picture, say, showOnMap } from "../../../lib/conversation";
import { renderBotpress } from "../../../lib/platforms/botpress/render";
import { hasUndefined, planCard } from "../../support/render-helpers";

describe("Botpress v12 renderer", () => {
  it("text → text; reply suggestions → single-choice with the postback as value", () => {
    expect(renderBotpress([say("Hello"), say("Pick one:", [choice("Balance", "BALANCE"), choice("Agent", "AGENT")])])).toEqual({
      responses: [
        { type: "text", text: "Hello" },
        { type: "single-choice", text: "Pick one:", choices: [{ title: "Balance", value: "BALANCE" }, { title: "Agent", value: "AGENT" }] },
      ],
      degradations: [],
    });
  });

  it("suggestions without a choice element become text lines, and each cut is recorded", () => {
    const r = renderBotpress([say("Need help?", [choice("Yes", "YES"), link("Help", "https://help.example.com"), call("Call us", "+41791234567"), showOnMap("Branch", 47.37, 8.54)])]);
    expect(r.responses).toEqual([
      {
        type: "single-choice",
        text: "Need help?\n\nHelp: https://help.example.com\nCall us: +41791234567\nBranch: https://maps.google.com/?q=47.37,8.54",
        choices: [{ title: "Yes", value: "YES" }],
      },
    ]);
    expect(r.degradations).toEqual([
      'url suggestion "Help" after a text: sent as a text line',
      'dial suggestion "Call us" after a text: sent as a text line',
      'map suggestion "Branch" after a text: sent as a text line',
    ]);
    expect(renderBotpress([say("Visit", [link("Site", "https://example.com")])]).responses).toEqual([{ type: "text", text: "Visit\n\nSite: https://example.com" }]);
  });

  it("card → card (Postback and Open URL actions); carousel → carousel of cards", () => {
    const plans = [planCard("Gold", [choice("Choose Gold", "PLAN_GOLD"), link("Details", "https://bank.example.com/gold")]), planCard("Silver")];
    const one = renderBotpress([card(plans[0]!)]);
    expect(one).toEqual({
      responses: [
        {
          type: "card",
          title: "Gold",
          subtitle: "About Gold",
          image: "https://cdn.example.com/Gold.jpg",
          actions: [
            { action: "Postback", title: "Choose Gold", payload: "PLAN_GOLD" },
            { action: "Open URL", title: "Details", url: "https://bank.example.com/gold" },
          ],
        },
      ],
      degradations: [],
    });
    const many = renderBotpress([carousel(plans)]);
    expect(many.responses).toEqual([{ type: "carousel", items: [one.responses[0], { type: "card", title: "Silver", subtitle: "About Silver", image: "https://cdn.example.com/Silver.jpg", actions: [] }] }]);
    expect(many.degradations).toEqual([]);
  });

  it("a card's dial suggestion becomes a text after it (recorded); a map becomes an Open URL", () => {
    const r = renderBotpress([card({ title: "Branch", suggestions: [call("Call", "+4144"), showOnMap("Map", 1, 2)] })]);
    expect(r.responses).toEqual([
      { type: "card", title: "Branch", actions: [{ action: "Open URL", title: "Map", url: "https://maps.google.com/?q=1,2" }] },
      { type: "text", text: "Call: +4144" },
    ]);
    expect(r.degradations).toEqual(['dial suggestion "Call" on card "Branch": sent as a text line']);
  });

  it("image, video, audio, file and location in their own content types", () => {
    const messages: OutboundMessage[] = [
      picture("https://cdn.example.com/a.png", {}, "A chart"),
      { type: "media", kind: "video", media: { url: "https://cdn.example.com/v.mp4" } },
      { type: "media", kind: "audio", media: { url: "https://cdn.example.com/a.ogg" }, caption: "Listen" },
      file("https://cdn.example.com/s.pdf", { name: "statement.pdf" }),
      location(47.37, 8.54, "Main branch"),
    ];
    expect(renderBotpress(messages)).toEqual({
      responses: [
        { type: "image", image: "https://cdn.example.com/a.png", title: "A chart" },
        { type: "video", video: "https://cdn.example.com/v.mp4" },
        { type: "audio", audio: "https://cdn.example.com/a.ogg", title: "Listen" },
        { type: "file", file: "https://cdn.example.com/s.pdf", title: "statement.pdf" },
        { type: "location", latitude: 47.37, longitude: 8.54, title: "Main branch" },
      ],
      degradations: [],
    });
  });

  it("contact and list degrade to text, a location's link is dropped, each cut recorded", () => {
    const r = renderBotpress([
      { type: "contact", name: "ACME Bank", phone: "+4144", email: "help@acme.example" },
      { type: "list", header: "Plans", items: [{ title: "Gold", description: "the best", action: choice("Gold", "PLAN_GOLD") }, { title: "Silver" }] },
      location(1, 2, undefined, "https://maps.example.com/x"),
    ]);
    expect(r.responses).toEqual([
      { type: "text", text: "ACME Bank\n+4144\nhelp@acme.example" },
      { type: "single-choice", text: "Plans\n• Gold: the best\n• Silver", choices: [{ title: "Gold", value: "PLAN_GOLD" }] },
      { type: "location", latitude: 1, longitude: 2 },
    ]);
    expect(r.degradations).toEqual([
      'contact "ACME Bank" has no Botpress v12 content type: sent as text',
      "list of 2 item(s) has no Botpress v12 content type: sent as text with its options",
      'location link "https://maps.example.com/x" dropped: a v12 location has no URL',
    ]);
  });

  it("a file list is its text and one file per file", () => {
    const r = renderBotpress([{ type: "fileList", text: "Your documents", files: [{ url: "https://x.example/a.pdf", name: "a.pdf" }, { url: "https://x.example/b.pdf" }] }]);
    expect(r.responses).toEqual([
      { type: "text", text: "Your documents" },
      { type: "file", file: "https://x.example/a.pdf", title: "a.pdf" },
      { type: "file", file: "https://x.example/b.pdf" },
    ]);
  });

  it("URLs that are not http(s) are never sent: media becomes its caption, a card loses its image (recorded)", () => {
    const r = renderBotpress([
      picture("javascript:alert(1)", {}, "Chart"),
      file("data:text/plain,hi"),
      card({ title: "T", media: { url: "ftp://x/y.png" }, suggestions: [link("Go", "javascript:x")] }),
    ]);
    expect(r.responses).toEqual([
      { type: "text", text: "Chart" },
      { type: "card", title: "T", actions: [] },
      { type: "text", text: "Go: javascript:x" },
    ]);
    expect(r.degradations).toEqual([
      'picture: URL "javascript:alert(1)" is not http(s): sent as text',
      'file: URL "data:text/plain,hi" is not http(s): dropped',
      'url suggestion "Go" on card "T": sent as a text line',
      'image on card "T": URL "ftp://x/y.png" is not http(s): dropped',
    ]);
  });

  it("silence is no responses; nothing rendered carries an undefined", () => {
    expect(renderBotpress([])).toEqual({ responses: [], degradations: [] });
    const all = renderBotpress([say("a", [choice("b")]), card(planCard("P")), location(1, 2), picture("https://x.example/p.png")]);
    expect(hasUndefined(all.responses)).toBe(false);
  });
});
