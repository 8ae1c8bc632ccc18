/**
 * One reply drawn as every platform would show it: the bot's neutral messages (as the session recorded them for
 * the turn) through each platform's own renderer (lib/platforms/*), then into the chat's blocks, with each
 * renderer's cuts (`degradations`) and, on SMS, the segments each text costs.
 */
import type { OutboundMessage } from "../../lib/conversation";
import { BM_CHANNELS } from "../../lib/platforms/business-messenger/limits";
import { renderBm } from "../../lib/platforms/business-messenger/render";
import { smsLength } from "../../lib/platforms/business-messenger/sms-encoding";
import { renderBotpress } from "../../lib/platforms/botpress/render";
import { renderEngage } from "../../lib/platforms/engage/render";
import { renderKommunicate } from "../../lib/platforms/kommunicate/render";
import { renderTwoWay } from "../../lib/platforms/twoway/render";
import { bmBlocks } from "../chat/bm";
import { botpressBlocks } from "../chat/botpress";
import { engageBlocks } from "../chat/engage";
import { kommunicateBlocks } from "../chat/kommunicate";
import { outboundBlocks } from "../chat/twoway";
import type { Block } from "../chat/types";

/** The Business Messenger channels the studio offers (the vendor's chat channels; Email and WebPush are not chats). */
export const STUDIO_BM_CHANNELS = ["SMS", "WhatsApp", "RCS", "Viber", "Telegram", "Facebook", "Instagram"] as const satisfies readonly (typeof BM_CHANNELS)[number][];

/** What one SMS text costs: GSM-7 fits 160 septets in one message, 153 per part when split; UCS-2 70 and 67. */
export interface SmsCost {
  encoding: "GSM-7" | "UCS-2";
  units: number;
  segments: number;
}

function smsCost(text: string): SmsCost {
  const { encoding, units } = smsLength(text);
  const [single, part] = encoding === "GSM-7" ? [160, 153] : [70, 67];
  return { encoding, units, segments: units === 0 ? 0 : units <= single ? 1 : Math.ceil(units / part) };
}

/** A block as the page draws it: SMS texts carry their cost. */
export type StudioBlock = Block & { sms?: SmsCost };

export interface Rendering {
  /** `bm:SMS`, `kommunicate`, … */
  key: string;
  platform: string;
  channel?: string;
  title: string;
  blocks: StudioBlock[];
  degradations: string[];
}

/** SMS texts get their cost; other channels' blocks are returned as they are. */
export function withSmsCost(blocks: readonly Block[], channel: string | undefined): StudioBlock[] {
  if (channel?.toUpperCase() !== "SMS") return [...blocks];
  return blocks.map((b) => (b.kind === "text" ? { ...b, sms: smsCost(b.text) } : b));
}

const TWOWAY_CHAT = { id: "studio", accountId: "studio", channel: "WhatsApp", conversationClientId: "31600000000", conversationHostId: "31200000000" };

/** One platform (and BM channel) of the side-by-side view. */
export function renderOn(platform: string, channel: string | undefined, messages: readonly OutboundMessage[]): Rendering {
  switch (platform) {
    case "bm": {
      const out = renderBm(messages, channel);
      return { key: `bm:${channel}`, platform, ...(channel ? { channel } : {}), title: `Business Messenger · ${channel}`, blocks: withSmsCost(bmBlocks(out.messages.map((m) => m.body)), channel), degradations: out.degradations };
    }
    case "kommunicate": {
      const out = renderKommunicate(messages);
      const blocks = out.messages.length ? kommunicateBlocks(out.messages as unknown as Record<string, unknown>[]) : [];
      return { key: platform, platform, title: "Kommunicate", blocks, degradations: out.degradations };
    }
    case "twoway": {
      const out = renderTwoWay(messages, TWOWAY_CHAT);
      return { key: platform, platform, title: "CM.com TwoWay (WhatsApp)", blocks: outboundBlocks(out.body), degradations: out.degradations };
    }
    case "engage": {
      const out = renderEngage(messages, { channel: "web" });
      return { key: platform, platform, title: "Sinch Engage (web)", blocks: out.messages.length ? engageBlocks({ messages: out.messages }) : [], degradations: out.degradations };
    }
    case "botpress": {
      const out = renderBotpress(messages);
      return { key: platform, platform, title: "Botpress v12", blocks: botpressBlocks(out.responses as unknown as Record<string, unknown>[]), degradations: out.degradations };
    }
    default:
      throw new RangeError(`no renderer for platform "${platform}"`);
  }
}

/** Every platform, Business Messenger once per chat channel. */
export function renderEverywhere(messages: readonly OutboundMessage[]): Rendering[] {
  return [
    ...STUDIO_BM_CHANNELS.map((channel) => renderOn("bm", channel, messages)),
    ...["kommunicate", "twoway", "engage", "botpress"].map((platform) => renderOn(platform, undefined, messages)),
  ];
}
