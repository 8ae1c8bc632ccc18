/**
 * Every outbound kind through every renderer. SAMPLES must name every kind of the union (a new kind fails to
 * compile here until it has a sample), and each renderer must show every sample's content or record a cut:
 * nothing is dropped silently. The renderers' own switches are exhaustive too (assertNever), so `tsc` also
 * fails in each of them until it decides what to show.
 */
import { BM_CHANNELS } from "../../lib/platforms/business-messenger/limits";
import { renderBm } from "../../lib/platforms/business-messenger/render";
import { renderBotpress } from "../../lib/platforms/botpress/render";
import { renderEngage } from "../../lib/platforms/engage/render";
import { renderKommunicate } from "../../lib/platforms/kommunicate/render";
import { renderTwoWay } from "../../lib/platforms/twoway/render";
import {
  assertNever,
  call,
  choice,
  historyText,
  link,
  type MessageOf,
  type OutboundMessage,
  type OutboundType,
} from "../../lib/conversation";

const SAMPLES = {
  text: { type: "text", text: "Which account?", suggestions: [choice("Savings", "SAVINGS"), link("Rates", "https://example.com/rates")] },
  media: { type: "media", kind: "picture", media: { url: "https://cdn.example.com/branch.png" }, caption: "Our branch" },
  file: { type: "file", media: { url: "https://cdn.example.com/s-2026-03.pdf", name: "March statement" }, caption: "Your statement" },
  fileList: {
    type: "fileList",
    text: "Your documents",
    files: [
      { url: "https://cdn.example.com/t.pdf", name: "Terms and conditions" },
      { url: "https://cdn.example.com/f.pdf", name: "Fee schedule" },
    ],
  },
  location: { type: "location", latitude: 47.3769, longitude: 8.5417, label: "Head office" },
  contact: { type: "contact", name: "Branch Zurich", phone: "+41441234567", email: "zurich@example.com", address: "Bahnhofstrasse 1" },
  card: {
    type: "card",
    card: {
      title: "Savings account",
      description: "2.1% interest",
      media: { url: "https://cdn.example.com/savings.png" },
      suggestions: [choice("Open", "OPEN"), call("Call us", "+41441234567")],
    },
  },
  carousel: {
    type: "carousel",
    cards: [
      { title: "Regular", description: "Everyday banking", suggestions: [choice("Pick regular", "REGULAR")] },
      { title: "Savings", description: "2.1% interest", suggestions: [link("Savings rates", "https://example.com/rates")] },
    ],
  },
  list: {
    type: "list",
    header: "Our accounts",
    items: [
      { title: "Regular", description: "Everyday banking", action: choice("Open regular", "OPEN_REGULAR") },
      { title: "Savings", description: "2.1% interest" },
    ],
    suggestions: [choice("Agent", "AGENT")],
  },
} satisfies { [T in OutboundType]: MessageOf<T> };

/** Variants where renderers have had to cut something. */
const VARIANTS: Array<[string, OutboundMessage]> = [
  ["a file named but without caption", { type: "file", media: { url: "https://cdn.example.com/x1.pdf", name: "Loan offer" } }],
  [
    "a text with every suggestion kind",
    {
      type: "text",
      text: "Contact us",
      suggestions: [
        choice("Agent", "AGENT"),
        link("Website", "https://example.com"),
        call("Phone", "+41441234567"),
        { kind: "map", text: "Find us", latitude: 47.37, longitude: 8.54 },
        { kind: "compose", text: "Text us", phone: "+41441234567", body: "HELP" },
        { kind: "calendar", text: "Book", title: "Meeting", start: "2026-12-03T10:00:00Z", end: "2026-12-03T11:00:00Z" },
      ],
    },
  ],
  ["a card with a lone link", { type: "card", card: { title: "Rates", suggestions: [link("All rates", "https://example.com/rates")] } }],
  [
    "a list with a link action",
    { type: "list", items: [{ title: "Fees", action: link("Fee table", "https://example.com/fees") }, { title: "Rates" }] },
  ],
];

/** The texts a user must see of a message (or be told, via a recorded cut, that they were left out). */
function visible(m: OutboundMessage): string[] {
  switch (m.type) {
    case "text":
      return [m.text, ...(m.suggestions ?? []).map((s) => s.text)];
    case "media":
      return [m.media.url, ...(m.caption ? [m.caption] : [])];
    // A file's name labels it when it has no caption (a picture's file name is not content).
    case "file":
      return [m.media.url, ...[m.caption ?? m.media.name].filter((t): t is string => !!t)];
    case "fileList":
      return [...(m.text ? [m.text] : []), ...m.files.flatMap((f) => [f.url, ...(f.name ? [f.name] : [])])];
    case "location":
      return [...(m.label ? [m.label] : []), String(m.latitude), String(m.longitude)];
    case "contact":
      return [m.name, m.phone, m.email, m.address].filter((t): t is string => !!t);
    case "card":
      return [m.card.title, m.card.description ?? "", ...(m.card.suggestions ?? []).map((s) => s.text)];
    case "carousel":
      return m.cards.flatMap((c) => [c.title, c.description ?? "", ...(c.suggestions ?? []).map((s) => s.text)]);
    case "list":
      return [...(m.header ? [m.header] : []), ...m.items.flatMap((i) => [i.title, i.description ?? ""]), ...(m.suggestions ?? []).map((s) => s.text)];
    default:
      return assertNever(m);
  }
}

interface Rendered {
  /** Everything the platform receives, as one string to search in. */
  output: string;
  parts: number;
  degradations: string[];
}

const CHAT = { id: "chat-1", accountId: "acc-1", channel: "WhatsApp", conversationClientId: "client-1", conversationHostId: "host-1" };

const RENDERERS: Record<string, (messages: OutboundMessage[]) => Rendered> = {
  ...Object.fromEntries(
    BM_CHANNELS.map((channel) => [
      `Business Messenger ${channel}`,
      (messages: OutboundMessage[]): Rendered => {
        const r = renderBm(messages, channel);
        return { output: JSON.stringify(r.messages), parts: r.messages.length, degradations: r.degradations };
      },
    ]),
  ),
  Kommunicate: (messages) => {
    const r = renderKommunicate(messages);
    return { output: JSON.stringify(r.messages), parts: r.messages.length, degradations: r.degradations };
  },
  TwoWay: (messages) => {
    const r = renderTwoWay(messages, CHAT);
    return { output: JSON.stringify(r.body.conversationMessages), parts: r.body.conversationMessages.length, degradations: r.degradations };
  },
  ...Object.fromEntries(
    [undefined, "whatsapp", "facebook"].map((channel) => [
      `Engage ${channel ?? "(default channel)"}`,
      (messages: OutboundMessage[]): Rendered => {
        const r = renderEngage(messages, channel === undefined ? {} : { channel });
        return { output: JSON.stringify(r.messages), parts: r.messages.length, degradations: r.degradations };
      },
    ]),
  ),
  Botpress: (messages) => {
    const r = renderBotpress(messages);
    return { output: JSON.stringify(r.responses), parts: r.responses.length, degradations: r.degradations };
  },
};

const kinds = Object.keys(SAMPLES) as OutboundType[];

describe.each(Object.keys(RENDERERS))("%s", (name) => {
  const render = RENDERERS[name]!;

  test.each([...kinds.map((kind): [string, OutboundMessage] => [`a ${kind}`, SAMPLES[kind]]), ...VARIANTS])("shows %s, or records what it cut", (_what, message) => {
    const { output, parts, degradations } = render([message]);
    expect(parts).toBeGreaterThan(0);
    const missing = visible(message).filter((text) => !output.includes(JSON.stringify(text).slice(1, -1)));
    // Each text left out is named by a recorded cut.
    expect(missing.filter((text) => !degradations.some((d) => d.includes(text)))).toEqual([]);
  });
});

test.each(kinds)("the history summary of a %s names it", (kind) => {
  const summary = historyText(SAMPLES[kind]);
  expect(summary).not.toBe("");
  expect(kind === "text" ? summary : summary.startsWith("[")).toBeTruthy();
});
