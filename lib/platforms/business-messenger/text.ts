import { splitText as splitWords } from "../../conversation/text";
/**
 * Measuring, splitting and truncating text against a channel's TextLimit.
 * Splits happen at word boundaries (a newline preferred) and never inside a surrogate pair.
 */
import type { TextLimit } from "./limits";
import { gsm7Septets, smsLength } from "./sms-encoding";

export function fitsTextLimit(text: string, limit: TextLimit): boolean {
  if (limit.unit === "chars") return text.length <= limit.max;
  const { encoding, units } = smsLength(text);
  return units <= (encoding === "GSM-7" ? limit.gsm7Units : limit.ucs2Units);
}

export function describeTextLimit(limit: TextLimit): string {
  return limit.unit === "chars" ? `${limit.max} chars` : `${limit.gsm7Units} GSM-7 / ${limit.ucs2Units} UCS-2 units`;
}

/**
 * Length (UTF-16 index, on a code point boundary) of the longest prefix that fits.
 * Monotone for SMS too: a prefix of a fitting text always fits, because a GSM-7 prefix of at
 * most `ucs2Units` code units costs at most twice that in septets (804 ≤ 918).
 */
export function longestFittingPrefix(text: string, limit: TextLimit): number {
  let index = 0;
  let septets = 0;
  let gsm: boolean = true;
  for (const ch of text) {
    const next = index + ch.length;
    const s = gsm7Septets(ch);
    const nextGsm: boolean = gsm && s !== 0;
    const nextSeptets = septets + s;
    const fits =
      limit.unit === "chars"
        ? next <= limit.max
        : nextGsm
          ? nextSeptets <= limit.gsm7Units
          : next <= limit.ucs2Units;
    if (!fits) break;
    index = next;
    septets = nextSeptets;
    gsm = nextGsm;
  }
  return index;
}

const WHITESPACE = /\s/;

/** Splits a text into pieces that each fit the limit; an empty (or blank) text gives no pieces. */
export function splitText(text: string, limit: TextLimit): string[] {
  return splitWords(text, (rest) => (fitsTextLimit(rest, limit) ? rest.length : longestFittingPrefix(rest, limit)));
}

/**
 * Shortens to at most `maxChars` UTF-16 code units, ending with "…" when something was cut;
 * at a word boundary when one lies in the second half, so captions do not end in "Opening h…".
 */
export function truncateText(text: string, maxChars: number): string {
  if (text.length <= maxChars) return text;
  if (maxChars < 1) return "";
  let end = longestFittingPrefix(text, { unit: "chars", max: maxChars - 1 });
  if (!WHITESPACE.test(text.charAt(end))) {
    for (let i = end - 1; i >= end / 2; i--) {
      if (WHITESPACE.test(text.charAt(i))) {
        end = i;
        break;
      }
    }
  }
  return `${text.slice(0, end).trimEnd()}…`;
}
