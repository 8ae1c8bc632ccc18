/**
 * Botpress v12's side of the pipeline (docs/platforms/botpress.md): the login that hands out a JWT, the token
 * check of both converse routes, and one synchronous turn per converse call, answered `{"responses":[…]}`.
 * platform.ts declares them as the platform's two endpoints.
 */
import { runTurn } from "../../engine/run-turn";
import { parseJsonBody, parseWith } from "../../http/body";
import { badRequest, notFound, unauthorized } from "../../http/errors";
import { header } from "../../http/headers";
import type { WebhookEvent } from "../../http/middlewares";
import { json, type HttpResult } from "../../http/responses";
import { secureEqual } from "../../http/secure-compare";
import { logger } from "../../log";
import type { Runtime } from "../../runtime";
import { botpressToTurn, parseBotpressConverse } from "./inbound";
import { TOKEN_LIFETIME_MS, issueToken, verifyToken } from "./jwt";
import { renderBotpress, type BotpressContent } from "./render";
import { BotpressLoginRequest, BotpressUserId } from "./schema";
import { botpressSettings, requireBotpress } from "./settings";

const BUDGET_MARGIN_MS = 300;

/** `Authorization: Bearer <jwt>` on both converse routes (v12 left the public one open; we do not): else 401. */
export function verifyBotpressRequest(rt: Runtime, event: WebhookEvent): void {
  const config = requireBotpress(botpressSettings(rt));
  const authorization = header(event, "authorization");
  if (!authorization) throw unauthorized("Unauthorized: Authorization header is missing");
  const bearer = /^\s*bearer\s+(\S+)\s*$/i.exec(authorization);
  if (!bearer) throw unauthorized("Unauthorized: expected Authorization: Bearer <token>");
  const check = verifyToken(bearer[1]!, config, rt.clock());
  if (!check.ok) throw unauthorized(`Unauthorized: ${check.reason}`);
}

/** v12's wrong-credentials answer (BP_0009), with our `error` key next to its own fields. */
const INVALID_CREDENTIALS = { error: "Invalid credentials", statusCode: 400, errorCode: "BP_0009", type: "InvalidCredentialsError", message: "Invalid credentials" };

/**
 * POST /api/v1/auth/login/basic/default. Email (case-insensitive, as v12 lowercases it) and password are both
 * compared in constant time, always both, so the answer's timing tells neither which one was wrong.
 */
export function answerBotpressLogin(rt: Runtime, event: WebhookEvent): HttpResult {
  const config = requireBotpress(botpressSettings(rt));
  const { email, password } = parseWith(BotpressLoginRequest, parseJsonBody(event.rawBody), "Botpress login");
  const emailOk = secureEqual(email.trim().toLowerCase(), config.email.toLowerCase());
  const passwordOk = secureEqual(password, config.password);
  if (!(emailOk && passwordOk)) {
    logger.warn("Botpress login refused: invalid credentials");
    return json(400, INVALID_CREDENTIALS);
  }
  logger.info("Botpress login: token issued");
  return json(200, { status: "success", message: "Login successful", payload: { jwt: issueToken(config, rt.clock()), exp: TOKEN_LIFETIME_MS } });
}

/**
 * POST /api/v1/bots/{botId}/converse/{userId}[/secured], after verifyBotpressRequest: the bot id (404), the user
 * id and body (400 naming the field), then one turn through the engine. A silent bot answers `{"responses":[]}`.
 */
export async function answerBotpressConverse(rt: Runtime, event: WebhookEvent): Promise<{ responses: BotpressContent[] }> {
  const config = requireBotpress(botpressSettings(rt));
  const botId = event.pathParameters?.botId;
  if (botId !== config.botId) throw notFound("Not Found: Invalid Bot ID");
  const userId = event.pathParameters?.userId;
  const user = BotpressUserId.safeParse(userId);
  if (!user.success) throw badRequest("invalid userId in the path", [{ path: "userId", message: user.error.issues[0]?.message ?? "invalid" }]);

  const request = parseBotpressConverse(parseJsonBody(event.rawBody));
  const turn = botpressToTurn(user.data, request, rt.clock());
  logger.appendKeys({ conversationId: turn.conversationId, messageId: turn.messageId });

  const outcome = await runTurn(turn, rt.engine, {
    handoverQuietMs: rt.settings.HANDOVER_QUIET_MINUTES * 60_000,
    // Business Messenger waits for this answer: leave a margin for rendering and the write.
    deadline: turn.receivedAt + config.replyBudgetMs - BUDGET_MARGIN_MS,
  });
  const { responses, degradations } = renderBotpress(outcome.messages);
  if (degradations.length) logger.info("reply adapted to Botpress v12", { degradations });
  logger.info("turn answered", { outcome: outcome.kind, responses: responses.length, version: outcome.session.version });
  return { responses };
}
