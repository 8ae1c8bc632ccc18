/**
 * SMS text measurement: which encoding a text needs and how many units it takes in it, so the
 * SMS limits (918 GSM-7 septets / 402 UCS-2 code units over 6 parts) can be applied.
 */

/** GSM 03.38 basic character set (127 characters; the ESC code 0x1B is not a character). */
export const GSM7_BASIC_CHARS =
  "@£$¥èéùìòÇ\nØø\rÅåΔ_ΦΓΛΩΠΨΣΘΞÆæßÉ" +
  " !\"#¤%&'()*+,-./0123456789:;<=>?" +
  "¡ABCDEFGHIJKLMNOPQRSTUVWXYZÄÖÑÜ§" +
  "¿abcdefghijklmnopqrstuvwxyzäöñüà";

/** GSM 03.38 extension table: each of these costs ESC + code = 2 septets. */
export const GSM7_EXTENSION_CHARS = "\f^{}\\[~]|€";

const BASIC = new Set(GSM7_BASIC_CHARS);
const EXTENSION = new Set(GSM7_EXTENSION_CHARS);

export type SmsEncoding = "GSM-7" | "UCS-2";

/** Septets one code point costs in GSM-7, or 0 when GSM-7 cannot encode it. */
export function gsm7Septets(codePoint: string): 0 | 1 | 2 {
  if (BASIC.has(codePoint)) return 1;
  if (EXTENSION.has(codePoint)) return 2;
  return 0;
}

export function isGsm7(text: string): boolean {
  for (const ch of text) if (gsm7Septets(ch) === 0) return false;
  return true;
}

/**
 * The encoding a text needs and its length in that encoding's units: septets for GSM-7,
 * UTF-16 code units for UCS-2 (an emoji outside the BMP costs 2, as on the air interface).
 */
export function smsLength(text: string): { encoding: SmsEncoding; units: number } {
  let septets = 0;
  for (const ch of text) {
    const s = gsm7Septets(ch);
    if (s === 0) return { encoding: "UCS-2", units: text.length };
    septets += s;
  }
  return { encoding: "GSM-7", units: septets };
}
