/**
 * Shared state of one renderBm call: the channel profile, the bodies emitted so far, what was
 * degraded, the numbered options handed out and whether the one rich body is used up.
 */
import { numberOption as nextOption, type NumberedOption } from "../../conversation";
import type { ChannelProfile, ResolvedChannel } from "./limits";
import { describeTextLimit, splitText } from "./text";

export type BmBody = Record<string, unknown>;
export interface BmOutMessage {
  body: BmBody;
}

export type { NumberedOption } from "../../conversation";

export interface RenderContext {
  readonly profile: ChannelProfile;
  /** Channel name for degradation messages (says so when the SMS profile stands in for an unknown one). */
  readonly label: string;
  readonly composeTextField: string;
  readonly messages: BmOutMessage[];
  readonly degradations: string[];
  readonly numberedOptions: NumberedOption[];
  /** docs/platforms/business-messenger.md §4 [assumed]: at most one media/location/contact body per reply. */
  richBodyUsed: boolean;
}

export function createContext(profile: ChannelProfile, resolved: ResolvedChannel, composeTextField: string): RenderContext {
  const label = resolved.known
    ? profile.channel
    : `${resolved.raw === undefined ? "a missing channel" : `unknown channel "${resolved.raw}"`} (SMS profile)`;
  return { profile, label, composeTextField, messages: [], degradations: [], numberedOptions: [], richBodyUsed: false };
}

/** Drops undefined fields so bodies only carry what we know. */
export function compact(fields: Record<string, unknown>): BmBody {
  const out: BmBody = {};
  for (const [key, value] of Object.entries(fields)) if (value !== undefined) out[key] = value;
  return out;
}

export function degrade(ctx: RenderContext, what: string): void {
  ctx.degradations.push(what);
}

export function emitBody(ctx: RenderContext, body: BmBody): void {
  ctx.messages.push({ body });
}

/** Emits text bodies, split at word boundaries to the channel's limit (the with-buttons one before suggestions). */
export function emitText(ctx: RenderContext, text: string, beforeButtons = false): void {
  const limit = beforeButtons ? ctx.profile.textWithButtons : ctx.profile.text;
  const pieces = splitText(text, limit);
  if (pieces.length > 1) {
    degrade(ctx, `text of ${text.length} chars split into ${pieces.length} messages (${ctx.label} limit ${describeTextLimit(limit)})`);
  }
  for (const content of pieces) emitBody(ctx, { content });
}

/** Hands out the next option number for the whole reply, so "2" is unambiguous. */
export function numberOption(ctx: RenderContext, text: string, postback: string): string {
  return nextOption(ctx.numberedOptions, text, postback);
}
