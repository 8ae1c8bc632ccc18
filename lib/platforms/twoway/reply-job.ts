import type { Turn } from "../../conversation";
import { runTurn } from "../../engine/run-turn";
import type { JobHandler } from "../../jobs/worker";
import { logger } from "../../log";
import { deliveryKey } from "../../session/keys";
import { deskTurnOptions, followDesk } from "../../engine/human-desk";
import { livePersonDesk } from "../liveperson/bridge";
import { renderOnce } from "../render-once";
import { deliverTwoWay } from "./deliver";
import { renderTwoWay, type TwoWayChatRef } from "./render";
import { requestRouterHandover } from "./routing";

export const TWOWAY_TURN = "twoway.turn";

export interface TwoWayTurnPayload extends Record<string, unknown> {
  turn: Turn;
  chat: TwoWayChatRef;
}

/**
 * One TwoWay message, out of band: the turn through the engine, then the reply POSTed to the outbound URL.
 * A retry of this job after a failure finds the turn recorded (a duplicate, one read) and redoes only what
 * is left: each step below is idempotent, so a reply is sent once even if the endpoint failed before.
 * A duplicate already recorded at a first receive's first read is the router redelivering a message an earlier
 * job answered (the webhook queues without reading the session): that job owned the reply, so nothing is
 * sent again. One found on a rerun is this job's own write whose answer was lost: the reply still goes out.
 * The human side of a handover is LivePerson when it is configured, else CM's own routing.
 * Each outbound step leaves a progress record (1: reply sent, 2: handover requested): a rerun after a later
 * step failed, or after the worker was cut off, does not send the reply again. Only a rerun reads it: a turn
 * this try answered was recorded by its own write, so nothing of it was sent before.
 */
export const runTwoWayTurn: JobHandler = async (rt, payload, { attempt }) => {
  const { turn, chat } = payload as TwoWayTurnPayload;
  const desk = livePersonDesk(rt);
  const render = renderOnce((messages) => renderTwoWay(messages, chat));
  const outcome = await runTurn(turn, rt.engine, {
    numberedOptions: (messages) => render(messages).numberedOptions.map(({ text, postback }) => ({ text, postback })),
    ...deskTurnOptions(desk),
  });
  if (outcome.kind === "duplicate" && outcome.earlier && attempt === 1) {
    logger.info("TwoWay redelivery of an answered message: not sent again", { messageId: turn.messageId });
    return;
  }
  // With a desk, its control path: forward to the agent, close a timed-out hold, open on a handover.
  if (desk && (await followDesk(desk, turn, outcome, { platform: "twoway", chat })) === "forwarded") return;
  const progress = deliveryKey("twoway", chat.id, turn.messageId);
  // A turn answered now was recorded by this try's own write: no earlier try can have sent its reply.
  const done = outcome.kind === "answered" ? 0 : await rt.events.deliveredParts(progress);
  const mark = (parts: number) =>
    rt.events.markDelivered(progress, parts, rt.clock()).catch((err: unknown) => logger.warn("TwoWay delivery progress not recorded", { error: String(err) }));
  if (done < 1) {
    await deliverTwoWay(rt, chat, render(outcome.messages), turn.messageId);
    await mark(1);
  } else logger.info("TwoWay reply sent by an earlier try: not sent again", { messageId: turn.messageId });
  // Without a desk, CM's own routing takes the chat to its agents.
  if (outcome.applied.handover && !desk && done < 2) {
    await requestRouterHandover(rt, chat);
    await mark(2);
  }
};
