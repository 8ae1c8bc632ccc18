import type { Card, OutboundMedia, OutboundMessage, Suggestion } from "./outbound";

/**
 * Small builders so dialog states read like the conversation they describe:
 *   say("Which account?", [choice("Savings", "SAVINGS"), choice("Regular", "REGULAR")])
 */
export const say = (text: string, suggestions?: Suggestion[]): OutboundMessage =>
  suggestions?.length ? { type: "text", text, suggestions } : { type: "text", text };

/** A quick reply: shows `text`, sends `postback` back to the bot (defaults to the caption). */
export const choice = (text: string, postback = text): Extract<Suggestion, { kind: "reply" }> => ({ kind: "reply", text, postback });
export const link = (text: string, url: string): Extract<Suggestion, { kind: "url" }> => ({ kind: "url", text, url });
export const call = (text: string, phone: string): Suggestion => ({ kind: "dial", text, phone });
export const showOnMap = (text: string, latitude: number, longitude: number, label?: string): Suggestion => ({
  kind: "map",
  text,
  latitude,
  longitude,
  ...(label ? { label } : {}),
});

export const picture = (url: string, media: Omit<OutboundMedia, "url"> = {}, caption?: string): OutboundMessage => ({
  type: "media",
  kind: "picture",
  media: { url, ...media },
  ...(caption ? { caption } : {}),
});
export const file = (url: string, media: Omit<OutboundMedia, "url"> = {}, caption?: string): OutboundMessage => ({
  type: "file",
  media: { url, ...media },
  ...(caption ? { caption } : {}),
});
export const location = (latitude: number, longitude: number, label?: string, url?: string): OutboundMessage => ({
  type: "location",
  latitude,
  longitude,
  ...(label ? { label } : {}),
  ...(url ? { url } : {}),
});
export const card = (value: Card): OutboundMessage => ({ type: "card", card: value });
export const carousel = (cards: Card[]): OutboundMessage => ({ type: "carousel", cards });
