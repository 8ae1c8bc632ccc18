import { parseWith } from "../../http/body";
import { unauthorized } from "../../http/errors";
import type { WebhookEvent } from "../../http/middlewares";
import { jobQueue } from "../../jobs/queue";
import { logger } from "../../log";
import type { Runtime } from "../../runtime";
import { KOMMUNICATE_DESK, type KommunicateDeskPayload } from "./desk";
import { KOMMUNICATE_LATE_REPLY, type LateReplyPayload } from "./late-reply";
import type { KommunicateMessage } from "./render";
import { kommunicateToTurn } from "./inbound";
import { KommunicateWebhookRequest } from "./schema";
import { kommunicateAnswer, runKommunicateTurn } from "./turn";
import { verifyKommunicateHeader } from "./verify";
import { kommunicateSettings } from "./settings";

/** The header the admin configured in Kommunicate's bot integration (an unset secret never verifies). */
export function verifyKommunicateRequest(rt: Runtime, event: WebhookEvent): void {
  const { KOMMUNICATE_WEBHOOK_SECRET: secret = "", KOMMUNICATE_WEBHOOK_HEADER: name } = kommunicateSettings(rt);
  if (!verifyKommunicateHeader(event, name, secret)) throw unauthorized(`missing or invalid ${name} header`);
}

const LATE = Symbol("late");

/**
 * One message to the bot. Kommunicate waits for the answer (30 s in its older docs), so the turn gets
 * KOMMUNICATE_REPLY_BUDGET_MS: past it, the user gets a holding message and the turn is finished by a job
 * (which records the answer and pushes it when the Platform API is configured).
 */
export async function answerKommunicate(rt: Runtime, body: unknown): Promise<KommunicateMessage[]> {
  const request = parseWith(KommunicateWebhookRequest, body, "Kommunicate webhook");
  const turn = kommunicateToTurn(request, rt.clock());
  logger.appendKeys({ conversationId: turn.conversationId, messageId: turn.messageId });

  const { KOMMUNICATE_REPLY_BUDGET_MS: budgetMs, KOMMUNICATE_HOLDING_MESSAGE: holding } = kommunicateSettings(rt);
  const bot = request.botId ? { botId: request.botId } : {};
  const running = runKommunicateTurn(rt, turn);
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<typeof LATE>((resolve) => {
    timer = setTimeout(() => resolve(LATE), budgetMs);
  });
  const answered = await Promise.race([running, late]).finally(() => clearTimeout(timer));

  if (answered === LATE) {
    // The run goes on while this process lives; the job makes sure it finishes even if it does not.
    running.catch((err: unknown) => logger.warn("late turn failed in the webhook; the job reruns it", { error: String(err) }));
    const payload: LateReplyPayload = { turn, ...bot };
    await jobQueue(rt).enqueue({ kind: KOMMUNICATE_LATE_REPLY, group: `kommunicate#${turn.conversationId}`, dedupeId: turn.messageId, payload });
    logger.warn("reply budget exceeded: holding message sent, the answer follows out of band", { budgetMs });
    return [{ message: holding }];
  }

  if (answered.deskActions.length) await queueDeskActions(rt, { turn, actions: answered.deskActions, ...bot });
  const { messages, degradations } = kommunicateAnswer(answered);
  if (degradations.length) logger.warn("reply adapted for Kommunicate", { degradations });
  const { outcome, forwarded, desk } = answered;
  logger.info("turn answered", { outcome: outcome.kind, messages: messages.length, version: outcome.session.version, ...(forwarded ? { forwarded: desk?.id } : {}) });
  return messages;
}

/**
 * The desk's work as a job: Kommunicate gets its answer at once and never waits on LivePerson, and this bundle
 * carries no LivePerson client; the worker talks to the desk in the conversation's order. Same message, same desk
 * work: a redelivery's job is a no-op within the queue's deduplication window.
 */
function queueDeskActions(rt: Runtime, payload: KommunicateDeskPayload): Promise<void> {
  return jobQueue(rt).enqueue({ kind: KOMMUNICATE_DESK, group: `kommunicate#${payload.turn.conversationId}`, dedupeId: `${payload.turn.messageId}:desk`, payload });
}
