import type { Card, Suggestion } from "../../lib/conversation";

/** Renderer tests: does a rendered value carry an `undefined` anywhere (it would not be clean JSON)? */
export function hasUndefined(value: unknown): boolean {
  if (value === undefined) return true;
  if (Array.isArray(value)) return value.some(hasUndefined);
  if (value !== null && typeof value === "object") return Object.values(value).some(hasUndefined);
  return false;
}

/** A product card with an image, as the renderers' tests use it. */
export const planCard = (name: string, suggestions?: Suggestion[]): Card => ({
  title: name,
  description: `About ${name}`,
  media: { url: `https://cdn.example.com/${name}.jpg` },
  ...(suggestions ? { suggestions } : {}),
});
