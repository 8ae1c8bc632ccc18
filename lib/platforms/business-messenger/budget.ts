/**
 * Business Messenger waits for the webhook's HTTP answer (docs/platforms/business-messenger.md §6: a 5 s reply
 * budget, BM_REPLY_BUDGET_MS, configurable): a turn answers within it or not at all, so its time is split here.
 *
 *   start ─ the turn (bot, AI) ─ aiBy ─ the commit must start ─ commitBy ─ it lands ─ answerBy ─ answer travels ─ start + budget
 *
 * - start: when API Gateway received the request (its requestContext.timeEpoch) when that is plausible, else now:
 *   BM's clock started then, not when this Lambda got the event (a cold start can take a second of it).
 * - answerBy = start + budget − ANSWER_MARGIN_MS: the answer is rendered and on its way back through API Gateway.
 *   A turn still running then is answered 503 + Retry-After: 1 (lib/session/commit-guard.ts withAnswerBudget), and
 *   nothing it does afterwards is committed; BM's redelivery of the same message (same providerMsgID) then runs it once.
 * - commitBy = answerBy − COMMIT_MARGIN_MS: the last moment the session write (one PutItem, ~10 ms in AWS) may start,
 *   so that it lands before the answer. A write that started in time and is still in flight at answerBy is waited
 *   for: an answer never leaves while a write of its turn could still land.
 * - aiBy = commitBy − AI_MARGIN_MS: the AI call is cut there (fallback text), leaving time for the write.
 * Each margin is at most a tenth of the budget (a fifth for the commit's), so a short budget (a test's 1.2 s) still
 * leaves the turn most of it.
 */
const ANSWER_MARGIN_MS = 300;
export const COMMIT_MARGIN_MS = 500;
const AI_MARGIN_MS = 200;

export interface BmTurnBudget {
  /** Epoch ms (Date.now()): when BM started waiting. */
  start: number;
  answerBy: number;
  commitBy: number;
  /** Milliseconds from start until the AI call must end. */
  aiMs: number;
}

export function bmTurnBudget(budgetMs: number, receivedEpochMs: number | undefined, now = Date.now()): BmTurnBudget {
  // API Gateway's receipt time, unless it is in the future (clock skew) or older than the whole budget (a replayed event).
  const start = receivedEpochMs !== undefined && Number.isFinite(receivedEpochMs) && receivedEpochMs <= now && now - receivedEpochMs < budgetMs ? receivedEpochMs : now;
  const answerBy = start + budgetMs - Math.min(ANSWER_MARGIN_MS, budgetMs / 10);
  const commitBy = answerBy - Math.min(COMMIT_MARGIN_MS, budgetMs / 5);
  const aiBy = commitBy - Math.min(AI_MARGIN_MS, budgetMs / 10);
  return { start, answerBy, commitBy, aiMs: aiBy - start };
}
