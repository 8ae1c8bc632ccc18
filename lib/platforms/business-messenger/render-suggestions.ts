/**
 * Suggestions → BM suggestion objects, or text lines where the channel cannot show them:
 * unsupported actions become "Caption: value" lines, reply suggestions on channels without
 * replyWith become numbered options, extras are cut and long captions truncated.
 */
import { suggestionLine, type Suggestion } from "../../conversation";
import { supportsAction } from "./limits";
import { type BmBody, type RenderContext, compact, degrade, numberOption } from "./render-context";
import { truncateText } from "./text";

function actionObject(s: Suggestion, composeTextField: string): BmBody {
  switch (s.kind) {
    case "reply":
      return { replyWith: { postback: s.postback } };
    case "url":
      return { openUrl: { url: s.url } };
    case "dial":
      return { dialNumber: { number: s.phone } };
    case "compose":
      return { composeMessage: { number: s.phone, [composeTextField]: s.body } };
    case "map":
      return { showMapLocation: compact({ latitude: s.latitude, longitude: s.longitude, label: s.label, url: s.url }) };
    case "calendar":
      return {
        createCalendarEvent: compact({ title: s.title, description: s.description, start: s.start, end: s.end }),
      };
  }
}

/** One BM Suggestion: caption, postback (non-reply ones echo their caption) and one action. */
export function suggestionObject(ctx: RenderContext, s: Suggestion): BmBody {
  const max = ctx.profile.buttonCaptionChars;
  let text = s.text;
  if (max !== undefined && text.length > max) {
    text = truncateText(text, max);
    degrade(ctx, `caption "${s.text}" truncated to ${max} chars (${ctx.label})`);
  }
  const postback = s.kind === "reply" ? s.postback : s.text;
  return { text, postback, ...actionObject(s, ctx.composeTextField) };
}

export interface RenderedSuggestions {
  /** Native BM suggestion objects, already capped and truncated. */
  native: BmBody[];
  /** Text lines (numbered options, "Caption: value") in the suggestions' order. */
  lines: string[];
}

/**
 * "native" mode: what the channel supports stays a button, up to `max`; the rest becomes lines.
 * "text" mode (content already degraded to text, e.g. a card): everything becomes lines.
 */
export function renderSuggestions(
  ctx: RenderContext,
  suggestions: readonly Suggestion[],
  mode: "native" | "text",
  max: number,
  where: string,
): RenderedSuggestions {
  const native: BmBody[] = [];
  const lines: string[] = [];
  let numbered = 0;
  let cut = 0;
  for (const s of suggestions) {
    if (mode === "native" && supportsAction(ctx.profile, s.kind)) {
      if (native.length < max) native.push(suggestionObject(ctx, s));
      else cut++;
    } else if (s.kind === "reply") {
      if (mode === "text" || numbered < max) {
        numbered++;
        lines.push(numberOption(ctx, s.text, s.postback));
      } else cut++;
    } else {
      lines.push(suggestionLine(s));
      if (mode === "native") degrade(ctx, `${s.kind} suggestion "${s.text}" not supported on ${ctx.label}: sent as a text line`);
    }
  }
  if (numbered > 0 && mode === "native") {
    degrade(ctx, `${numbered} reply suggestion(s) ${where} shown as numbered options (no replyWith on ${ctx.label})`);
  }
  if (cut > 0) degrade(ctx, `${cut} suggestion(s) ${where} cut (${ctx.label} allows ${max})`);
  return { native, lines };
}
