import { localSecrets } from "./local-secrets";

/** Calls an Engage API-step endpoint the way Engage does: Bearer token, JSON body, query parameters. */
export async function callEngage(
  url: string,
  { method = "POST", body, token = localSecrets.ENGAGE_API_TOKEN }: { method?: string; body?: unknown; token?: string | null } = {},
) {
  const headers: Record<string, string> = { "content-type": "application/json" };
  if (token !== null) headers.authorization = `Bearer ${token}`;
  const res = await fetch(url, { method, headers, ...(body === undefined ? {} : { body: typeof body === "string" ? body : JSON.stringify(body) }) });
  const text = await res.text();
  return { status: res.status, json: (text ? JSON.parse(text) : undefined) as any };
}
