import type { Runtime } from "../../runtime";
import { runTurn } from "../../engine/run-turn";
import { parseWith } from "../../http/body";
import { unauthorized } from "../../http/errors";
import { fitsIdBytes } from "../../http/lenient";
import { header } from "../../http/headers";
import type { WebhookEvent } from "../../http/middlewares";
import { logger } from "../../log";
import { renderOnce } from "../render-once";
import { bmToTurn } from "./inbound";
import { renderBm } from "./render";
import { BmWebhookRequest } from "./schema";
import { bmSettings } from "./settings";
import { verifyBmSignature } from "./verify";
import { platformStreamKey } from "../../session/keys";
import { withAnswerBudget } from "../../session/commit-guard";
import { bmTurnBudget } from "./budget";

/**
 * Business Messenger's side of the pipeline: signature, debug reports, turn, rendering.
 * The functions in functions/bm-*.ts only wire these into the shared webhook handler.
 */

/** X-BM-Signature over the raw body (a missing key was refused before, by the secrets guard; an empty one never verifies). */
export function verifyBmRequest(rt: Runtime, event: WebhookEvent): void {
  const { BM_SIGNATURE_KEY, BM_SIGNATURE_ENCODING } = bmSettings(rt);
  if (!verifyBmSignature(event.rawBody, header(event, "x-bm-signature"), BM_SIGNATURE_KEY ?? "", BM_SIGNATURE_ENCODING)) {
    throw unauthorized("missing or invalid X-BM-Signature");
  }
}

const MAX_REPORT_BYTES = 32_000;

/** Debug mode: BM tells us it rejected a reply. Store it for inspection and log it at alert level. */
export async function recordDebugReport(rt: Runtime, report: unknown): Promise<void> {
  const text = JSON.stringify(report);
  const data =
    Buffer.byteLength(text) <= MAX_REPORT_BYTES
      ? { report }
      : { truncated: true, reportPrefix: text.slice(0, MAX_REPORT_BYTES) };
  const dialogUuid = typeof report === "object" && report !== null ? (report as { dialogUuid?: unknown }).dialogUuid : undefined;
  // A top-level attribute of the event item (the report itself is cut above): only when it is an id, else a long
  // one would make the item too large for DynamoDB, and every delivery of the report a 503.
  const record = await rt.events.record(
    {
      pk: platformStreamKey("bm", "debug"),
      type: "bm.debug_report",
      platform: "bm",
      ...(typeof dialogUuid === "string" && fitsIdBytes(dialogUuid) ? { conversationId: dialogUuid } : {}),
      data,
    },
    rt.clock(),
  );
  logger.critical("Business Messenger rejected a reply (debug report)", { eventSk: record.sk, report: data });
}

/** A message webhook: one turn through the engine, answered in BM's body shapes for the channel. */
export async function answerBmMessage(rt: Runtime, event: WebhookEvent, body: unknown): Promise<{ messages: unknown[] }> {
  const request = parseWith(BmWebhookRequest, body, "Business Messenger webhook");
  const turn = bmToTurn(request, event.rawBody, rt.clock());
  logger.appendKeys({ conversationId: turn.conversationId, messageId: turn.messageId, channel: turn.channel });

  const own = bmSettings(rt);
  const render = renderOnce((messages) => renderBm(messages, turn.channel, { composeTextField: own.BM_COMPOSE_TEXT_FIELD }));
  // BM waits BM_REPLY_BUDGET_MS for this HTTP answer: the turn answers within it, or 503 in time (./budget.ts).
  const budget = bmTurnBudget(own.BM_REPLY_BUDGET_MS, event.requestContext?.timeEpoch);
  const outcome = await withAnswerBudget({ answerBy: budget.answerBy, commitBy: budget.commitBy, what: `Business Messenger's ${own.BM_REPLY_BUDGET_MS} ms reply budget`, seed: turn.messageId }, () =>
    runTurn(turn, rt.engine, {
      handoverQuietMs: rt.settings.HANDOVER_QUIET_MINUTES * 60_000,
      // The AI call ends in time for the write (the engine's clock: the turn's own receipt time).
      deadline: turn.receivedAt + budget.aiMs - (Date.now() - budget.start),
      numberedOptions: (messages) => render(messages).numberedOptions.map(({ text, postback }) => ({ text, postback })),
    }),
  );
  const rendered = render(outcome.messages);
  if (rendered.degradations.length) logger.info("reply adapted to the channel", { degradations: rendered.degradations });
  logger.info("turn answered", { outcome: outcome.kind, messages: rendered.messages.length, version: outcome.session.version });
  return { messages: rendered.messages };
}
