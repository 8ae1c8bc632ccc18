import { serviceUnavailable, unauthorized } from "../../http/errors";
import { header } from "../../http/headers";
import type { WebhookEvent } from "../../http/middlewares";
import { secureEqual } from "../../http/secure-compare";
import { logger } from "../../log";

/** `Authorization: Bearer $ENGAGE_API_TOKEN` (set in the API step's Authorization tab). */
export function verifyEngageRequest(token: string | undefined, stage: string, event: WebhookEvent): void {
  if (!token) {
    logger.error(`ENGAGE_API_TOKEN is not set on stage "${stage}": refusing Engage requests`);
    throw serviceUnavailable("Sinch Engage is not configured on this stage");
  }
  const match = /^Bearer\s+(.+)$/i.exec(header(event, "authorization")?.trim() ?? "");
  if (!secureEqual(match?.[1], token)) throw unauthorized("missing or invalid bearer token");
}
