import { randomUUID } from "node:crypto";
import type { Turn } from "../../conversation";
import type { ActionContext, BotAction } from "../../engine/actions";
import { runTurn } from "../../engine/run-turn";
import { appliedOf, validateReply } from "../../engine/validate-reply";
import { parseWith } from "../../http/body";
import { notFound } from "../../http/errors";
import type { WebhookEvent } from "../../http/middlewares";
import { logger } from "../../log";
import type { Runtime } from "../../runtime";
import type { AppliedReply } from "../../session/session";
import { engageCallInfo, engageInput } from "./input";
import { renderEngage } from "./render";
import { engageSettings } from "./settings";

/** Engage's answer: applied in this order by Engage: session, messages, action.nextDialogstate. Each part optional. */
export interface EngageAnswer {
  session?: { namespace: string; data: Record<string, unknown> };
  messages?: unknown[];
  action?: { nextDialogstate: string };
}

/**
 * One API-step call: find the action, validate its input, run it (through the engine when the call names
 * a conversation, so the namespace is mirrored into our session item with the usual dedupe and
 * concurrency rules; directly when it does not), and render the answer.
 */
export async function answerEngage(rt: Runtime, event: WebhookEvent): Promise<EngageAnswer> {
  const name = event.pathParameters?.action ?? "";
  const action: BotAction | undefined = Object.hasOwn(rt.actions, name) ? rt.actions[name] : undefined;
  if (!action) throw notFound(`unknown action "${name}"`);

  const input = engageInput(event);
  const parsed = parseWith(action.input, input, `Engage "${name}" action input`);
  const info = engageCallInfo(input, engageSettings(rt).ENGAGE_CONVERSATION_KEYS);
  // Without a requestId every call is new; the id stays fixed across the engine's reruns of this call.
  const messageId = info.requestId ? `request:${info.requestId}` : `call:${randomUUID()}`;
  logger.appendKeys({ action: name, conversationId: info.conversationKey, messageId });

  const context = (namespaces: ActionContext["namespaces"], idempotencyKey: string): ActionContext => ({ ...info, namespaces, idempotencyKey });

  let messages;
  let applied: AppliedReply;
  if (info.conversationKey) {
    const turn: Turn = {
      platform: "engage",
      conversationId: info.conversationKey,
      userId: info.userId ?? info.conversationKey,
      messageId,
      ...(info.channel ? { channel: info.channel } : {}),
      ...(info.locale ? { locale: info.locale } : {}),
      message: { type: "event", name: `action:${name}`, data: input },
      receivedAt: rt.clock(),
    };
    const outcome = await runTurn(turn, rt.engine, {
      respond: (ctx) => action.run(parsed, context(ctx.namespaces, ctx.idempotencyKey)),
      // A requestId is the caller's idempotency key: its answer is kept for the session TTL, whatever comes between.
      ...(info.requestId ? { durableAnswer: true } : {}),
    });
    ({ messages, applied } = outcome);
    logger.info("action answered", { outcome: outcome.kind, version: outcome.session.version });
  } else {
    const reply = validateReply(await action.run(parsed, context({}, `engage#${messageId}`)));
    messages = reply.messages ?? [];
    applied = appliedOf(reply);
    logger.info("action answered", { outcome: "stateless" });
  }

  const rendered = renderEngage(messages, info.channel ? { channel: info.channel } : {});
  if (rendered.degradations.length) logger.info("reply adapted to the channel", { degradations: rendered.degradations });
  return {
    ...(applied.session ? { session: applied.session } : {}),
    ...(rendered.messages.length ? { messages: rendered.messages } : {}),
    ...(applied.nextDialogstate ? { action: { nextDialogstate: applied.nextDialogstate } } : {}),
  };
}
