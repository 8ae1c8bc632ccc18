import { kmTextRequest } from "../platforms/kommunicate/fixtures";
import { localSecrets } from "./local-secrets";

/** A user's text as Kommunicate's custom-bot webhook delivers it, with the local webhook secret header. */
export function postKommunicateText(apiUrl: string, text: string, conversation: { groupId: string; key: string }): Promise<Response> {
  return fetch(`${apiUrl}/kommunicate/webhook`, {
    method: "POST",
    headers: { "content-type": "application/json", "x-webhook-secret": localSecrets.KOMMUNICATE_WEBHOOK_SECRET },
    body: JSON.stringify(kmTextRequest(text, conversation)),
  });
}
