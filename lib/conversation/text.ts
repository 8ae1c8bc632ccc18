/**
 * Text helpers every renderer shares: where to cut a long text, and the map link a location degrades to.
 */
export const mapsUrl = (latitude: number, longitude: number): string => `https://maps.google.com/?q=${latitude},${longitude}`;

const WHITESPACE = /\s/;

/**
 * Where to end a piece that may be at most `end` long: at `end` if a space follows, else the last newline
 * in its second half, else the last whitespace, else a hard cut (one word longer than the limit), never
 * inside a surrogate pair.
 */
export function wordCut(text: string, end: number): number {
  if (WHITESPACE.test(text.charAt(end))) return end;
  const newline = text.lastIndexOf("\n", end - 1);
  if (newline > 0 && newline >= end / 2) return newline;
  for (let i = end - 1; i > 0; i--) if (WHITESPACE.test(text.charAt(i))) return i;
  const code = text.charCodeAt(end - 1);
  return code >= 0xd800 && code <= 0xdbff && end > 1 ? end - 1 : end;
}

/**
 * Splits a text into pieces at word boundaries. `fitting(rest)` is the length of the longest prefix of
 * `rest` that fits the limit (all of it when it fits): characters, or SMS units for Business Messenger.
 * A blank text gives no pieces.
 */
export function splitText(text: string, fitting: (rest: string) => number): string[] {
  const pieces: string[] = [];
  let rest = text.trim();
  while (rest.length > 0) {
    let end = fitting(rest);
    if (end >= rest.length) {
      pieces.push(rest);
      break;
    }
    // Guarantee progress even for a limit smaller than one code point.
    if (end <= 0) end = String.fromCodePoint(rest.codePointAt(0) ?? 0).length;
    const cut = wordCut(rest, end);
    const piece = rest.slice(0, cut).trimEnd();
    if (piece.length > 0) pieces.push(piece);
    rest = rest.slice(cut).trimStart();
  }
  return pieces;
}

/** Pieces of at most `max` characters (UTF-16 code units). */
export const splitByChars = (text: string, max: number): string[] => splitText(text, (rest) => Math.min(rest.length, max));
