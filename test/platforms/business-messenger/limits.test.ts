import {
  BM_CHANNEL_PROFILES,
  BM_CHANNELS,
  bmChannelProfile,
  normaliseBmChannel,
  resolveBmChannel,
  supportsAction,
  supportsKind,
} from "../../../lib/platforms/business-messenger/limits";
import {
  GSM7_BASIC_CHARS,
  GSM7_EXTENSION_CHARS,
  isGsm7,
  smsLength,
} from "../../../lib/platforms/business-messenger/sms-encoding";
import { splitText, truncateText } from "../../../lib/platforms/business-messenger/text";

describe("normaliseBmChannel", () => {
  it.each([
    ["SMS", "SMS"],
    ["sms", "SMS"],
    ["RCS (RBM)", "RCS"],
    ["rcs", "RCS"],
    ["RBM", "RCS"],
    ["Web Push", "WebPush"],
    ["webpush", "WebPush"],
    ["WHATSAPP", "WhatsApp"],
    ["Facebook", "Facebook"],
    ["instagram", "Instagram"],
    ["Telegram", "Telegram"],
    ["Viber", "Viber"],
    ["E-mail", "Email"],
  ])("%s → %s", (raw, channel) => expect(normaliseBmChannel(raw)).toBe(channel));

  it("treats an unknown or missing channel like SMS and says so", () => {
    expect(resolveBmChannel("gbm")).toEqual({ channel: "SMS", known: false, raw: "gbm" });
    expect(resolveBmChannel(undefined)).toEqual({ channel: "SMS", known: false, raw: undefined });
    expect(resolveBmChannel("Viber").known).toBe(true);
    expect(bmChannelProfile("gbm")).toBe(BM_CHANNEL_PROFILES.SMS);
  });
});

describe("channel table", () => {
  it("has a profile for every channel, keyed by its own name", () => {
    for (const c of BM_CHANNELS) expect(BM_CHANNEL_PROFILES[c].channel).toBe(c);
  });

  it("reads the vendor table strictly", () => {
    const { SMS, WhatsApp, RCS, Telegram, Viber, Facebook, Instagram, Email, WebPush } = BM_CHANNEL_PROFILES;
    for (const p of [SMS, Email, WebPush]) {
      expect(p.kinds).toEqual(["text"]);
      expect(p.actions).toEqual([]);
    }
    expect(supportsKind(WhatsApp, "carousel")).toBe(false); // '? (l)'
    expect(supportsKind(Telegram, "carousel")).toBe(false);
    expect(supportsKind(Viber, "carousel")).toBe(true);
    expect(supportsAction(WhatsApp, "url")).toBe(false); // templates only
    expect(supportsAction(Telegram, "map")).toBe(true); // emulated as URL
    expect(supportsAction(Viber, "dial")).toBe(false); // '?'
    expect(supportsAction(Facebook, "dial")).toBe(true);
    expect(RCS.actions).toHaveLength(6);
    expect(WhatsApp.textWithButtons).toEqual({ unit: "chars", max: 1024 });
    expect(Facebook.textWithButtons).toEqual({ unit: "chars", max: 640 });
    expect(RCS.carouselMaxCards).toBe(10);
    expect(Viber.card?.descriptionChars).toBe(512);
    expect(Telegram.card).toEqual({ maxButtons: 2, titleChars: 256, combinedChars: 1024 });
    expect(WhatsApp.mediaBytes.picture).toBe(5 * 1024 * 1024);
    expect(Viber.mediaBytes.cardImage).toBe(500 * 1024);
    expect(Instagram.imageMimeTypes).toContain("image/gif");
    expect(WhatsApp.imageMimeTypes).not.toContain("image/gif");
  });
});

describe("SMS encoding", () => {
  it("has the full GSM 03.38 tables", () => {
    expect(new Set(GSM7_BASIC_CHARS).size).toBe(127);
    expect(GSM7_BASIC_CHARS).toHaveLength(127);
    expect(new Set(GSM7_EXTENSION_CHARS).size).toBe(10);
  });

  it("counts GSM-7 septets, extension characters twice", () => {
    expect(isGsm7("Hello @ £5 Ä")).toBe(true);
    expect(smsLength("Hello")).toEqual({ encoding: "GSM-7", units: 5 });
    expect(smsLength("{€}")).toEqual({ encoding: "GSM-7", units: 6 });
  });

  it("falls back to UCS-2 counted in UTF-16 code units", () => {
    expect(isGsm7("Привет")).toBe(false);
    expect(isGsm7("ç")).toBe(false); // only capital Ç is in the basic set
    expect(smsLength("Hi 👋")).toEqual({ encoding: "UCS-2", units: 5 });
    expect(smsLength("Привет")).toEqual({ encoding: "UCS-2", units: 6 });
  });
});

describe("text splitting", () => {
  const sms = BM_CHANNEL_PROFILES.SMS.text;

  it("cuts at word boundaries", () => {
    expect(splitText("aaa bbb ccc", { unit: "chars", max: 7 })).toEqual(["aaa bbb", "ccc"]);
    expect(splitText("   ", { unit: "chars", max: 7 })).toEqual([]);
  });

  it("cuts a word only when it alone is longer than the limit", () => {
    expect(splitText("abcdefghij xy", { unit: "chars", max: 4 })).toEqual(["abcd", "efgh", "ij", "xy"]);
  });

  it("never splits a surrogate pair", () => {
    const pieces = splitText("👋".repeat(5), { unit: "chars", max: 3 });
    expect(pieces.join("")).toBe("👋".repeat(5));
    for (const p of pieces) expect(p).toMatch(/^(👋)+$/);
  });

  it("gives a GSM-7 piece the 918-unit limit and a UCS-2 piece the 402 one", () => {
    const text = `${"word ".repeat(300)}😀 ${"слово ".repeat(200)}`;
    const pieces = splitText(text, sms);
    for (const p of pieces) {
      const { encoding, units } = smsLength(p);
      expect(units).toBeLessThanOrEqual(encoding === "GSM-7" ? 918 : 402);
    }
    expect(smsLength(pieces[0] ?? "").encoding).toBe("GSM-7");
    expect(pieces.join(" ").replace(/\s+/g, " ")).toBe(text.trim().replace(/\s+/g, " "));
  });

  it("truncates with an ellipsis inside the limit", () => {
    expect(truncateText("Opening hours today", 10)).toBe("Opening…");
    expect(truncateText("short", 10)).toBe("short");
    expect(truncateText("abcdefghijkl", 5)).toBe("abcd…");
  });
});
