/** Exponential backoff with full jitter, capped: spreads writers contending for one item apart. */
export const backoffMs = (attempt: number): number => Math.random() * Math.min(250, 5 * 2 ** attempt);

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));
