import { unauthorized } from "../../http/errors";
import { header } from "../../http/headers";
import type { WebhookEvent } from "../../http/middlewares";
import { secureEqual } from "../../http/secure-compare";

/** `Authorization: Bearer $ENGAGE_API_TOKEN` (set in the API step's Authorization tab). An empty token never matches. */
export function verifyEngageRequest(token: string | undefined, event: WebhookEvent): void {
  if (!token) throw unauthorized("missing or invalid bearer token");
  const match = /^Bearer\s+(.+)$/i.exec(header(event, "authorization")?.trim() ?? "");
  if (!secureEqual(match?.[1], token)) throw unauthorized("missing or invalid bearer token");
}
