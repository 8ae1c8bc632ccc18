/**
 * A money amount as the bank takes it: any finite positive number, rounded to cents. Its size is not
 * input validation: an amount beyond balance plus limit is a refused transfer (Engage's `transactionNoMoney`).
 * Undefined for non-numbers, zero, negatives, non-finite values and amounts that round to 0.
 */
export function amountInCents(value: number): number | undefined {
  if (!Number.isFinite(value) || value <= 0) return undefined;
  const rounded = Math.round(value * 100) / 100;
  // Past ~1e306, value * 100 overflows; such a number has no cents to round anyway.
  const amount = Number.isFinite(rounded) ? rounded : value;
  return amount > 0 ? amount : undefined;
}
