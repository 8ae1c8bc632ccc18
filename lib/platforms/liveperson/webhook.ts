import { parseJsonBody, parseWith } from "../../http/body";
import type { WebhookEvent } from "../../http/middlewares";
import { jobQueue } from "../../jobs/queue";
import { logger } from "../../log";
import type { Runtime } from "../../runtime";
import { LIVEPERSON_CHANGE, type LivePersonChangePayload } from "./change-job";
import { LivePersonEnvelope, LivePersonNotification } from "./schema";

const HANDLED = new Set(["ms.MessagingEventNotification", "cqm.ExConversationChangeNotification"]);

/**
 * POST /liveperson/webhook: verify (done before), validate, queue one job per change, answer 200 at once
 * (LP disables apps whose endpoints are slow). Idempotency: dialog + sequence, conversation + change time.
 */
export async function acceptLivePersonNotification(rt: Runtime, event: WebhookEvent): Promise<void> {
  const body = parseJsonBody(event.rawBody);
  // No type or no changes array is a broken notification (400); a well-formed one of a type we do not act on is acknowledged.
  const { type } = parseWith(LivePersonEnvelope, body, "LivePerson notification");
  if (!HANDLED.has(type)) return logger.info("LivePerson notification type not handled: acknowledged", { type: type.slice(0, 200) });
  const notification = parseWith(LivePersonNotification, body, "LivePerson notification");

  const jobs: Array<{ group: string; dedupeId: string; payload: LivePersonChangePayload }> =
    notification.type === "ms.MessagingEventNotification"
      ? notification.body.changes.map((change) => {
          // Grouped by conversation (a survey's dialog included), so its messages stay in order with its changes.
          const dialog = change.dialogId ?? change.conversationId ?? "unknown";
          const position = change.sequence ?? `${change.event.type}:${change.serverTimestamp ?? ""}`;
          return { group: `lp#${change.conversationId ?? dialog}`, dedupeId: `${dialog}:${position}`, payload: { type: notification.type, change } };
        })
      : notification.body.changes.map((change) => {
          const { convId, conversationDetails } = change.result;
          return { group: `lp#${convId}`, dedupeId: `${convId}:change:${conversationDetails.metaDataLastUpdateTs ?? ""}`, payload: { type: notification.type, change } };
        });
  await jobQueue(rt).enqueueAll(jobs.map((job) => ({ kind: LIVEPERSON_CHANGE, ...job, payload: job.payload as unknown as Record<string, unknown> })));
  logger.info("LivePerson notification queued", { type, changes: jobs.length });
}
