import type { Turn } from "../../conversation";
import { describeInbound } from "../../conversation";
import { applyHandoverEvent } from "../../engine/handover";
import type { HumanDesk } from "../../engine/human-desk";
import { resolveSuggestionReply } from "../../engine/suggestion-replies";
import { updateSession } from "../../engine/update-session";
import { logger } from "../../log";
import type { Runtime } from "../../runtime";
import type { HumanLink, Origin, ReplySuggestion, Session } from "../../session/session";
import { LivePersonClient } from "./client";
import { indexLivePersonConversation } from "./conversation-index";
import { sessionKey } from "../../session/keys";
import { LIVEPERSON, livePersonConfigured, livePersonHold, livepersonSettings } from "./settings";

/**
 * LivePerson as the human side of a handover: we act as the consumer. Opening sends the recent transcript
 * first so the agent sees the context; while open, the user's messages are forwarded; closing (the user's
 * side ended, or the idle timeout passed) sends CLOSE. The consumer identity (ConsumerJWS, no expiry) is
 * kept in the session item and fetched once per user.
 */
const TRANSCRIPT_LINES = 20;

/** The session's human link with what LivePerson's dialogs add (kept in the same stored JSON). */
export interface LivePersonLink extends HumanLink {
  /** The open POST_SURVEY dialog after the agent closed: the user's messages go there until the survey ends. */
  surveyDialogId?: string;
  /** The last relayed sequence of each dialog other than the MAIN one (whose is `lastSequence`). */
  dialogSequences?: Record<string, number>;
  /**
   * The quick replies of the last relayed message and its dialog: while the user writes to that dialog, a "2" or
   * a caption is sent as the reply's text (an agent's options do not answer a survey's question).
   */
  offered?: { dialogId: string; replies: ReplySuggestion[] };
}

/** The link once its LivePerson conversation is over: the conversation and what its dialogs added are forgotten. */
export function withoutConversation(link: LivePersonLink): HumanLink {
  const { conversationId: _closed, surveyDialogId: _survey, dialogSequences: _sequences, offered: _offered, ...rest } = link;
  return rest;
}

export function livePersonClient(rt: Runtime): LivePersonClient {
  const { LP_ACCOUNT_ID, LP_CLIENT_ID, LP_CLIENT_SECRET, LP_SKILL_ID, LP_CSDS_URL } = livepersonSettings(rt);
  return new LivePersonClient({
    accountId: LP_ACCOUNT_ID!,
    clientId: LP_CLIENT_ID!,
    clientSecret: LP_CLIENT_SECRET!,
    csdsUrl: LP_CSDS_URL,
    ...(LP_SKILL_ID ? { skillId: LP_SKILL_ID } : {}),
  });
}

export async function openLivePersonHandover(rt: Runtime, turn: Turn, session: Session, origin: Origin): Promise<void> {
  if (session.human?.conversationId) return logger.info("LivePerson conversation already open", { lpConversationId: session.human.conversationId });
  const client = livePersonClient(rt);
  const extConsumerId = session.human?.extConsumerId ?? `${turn.platform}:${turn.conversationId}`;
  const consumerJws = session.human?.consumerJws ?? (await client.consumerJws(extConsumerId));
  const lpConversationId = await client.openConversation(consumerJws, turn.userName ? { firstName: turn.userName } : {});
  // Index and link first, so the agent's first answer finds its way back even if the transcript send fails.
  await indexLivePersonConversation(rt, lpConversationId, { platform: turn.platform, conversationId: turn.conversationId });
  const link: HumanLink = { provider: "liveperson", extConsumerId, consumerJws, conversationId: lpConversationId, origin };
  await updateSession(rt.engine, turn.platform, turn.conversationId, (current, now) => ({
    result: undefined,
    next: applyHandoverEvent({ ...current, human: link }, { kind: "to-human", target: LIVEPERSON, holdMs: livePersonHold(rt) }, now),
  }));
  await client.sendText(consumerJws, lpConversationId, transcript(session));
  await rt.events.record({ pk: session.pk, type: "liveperson.opened", platform: turn.platform, conversationId: turn.conversationId, data: { lpConversationId } }, rt.clock());
  logger.info("LivePerson conversation opened", { lpConversationId });
}

/**
 * While a LivePerson conversation is open: the user's message goes to the agent (the bot stays silent), or to
 * the post-conversation survey once the agent has closed and a survey is open.
 */
export async function forwardToLivePerson(rt: Runtime, link: LivePersonLink, turn: Turn): Promise<void> {
  if (!link.conversationId) return;
  const dialogId = link.surveyDialogId ?? link.conversationId;
  const answer = resolveSuggestionReply(turn.message, link.offered?.dialogId === dialogId ? link.offered.replies : undefined);
  const text = answer.type === "postback" ? answer.postback : describeInbound(turn.message);
  await livePersonClient(rt).sendText(link.consumerJws, link.conversationId, text, dialogId);
}

/**
 * Closes the LivePerson conversation (the user's side ended, or the hold timed out) and forgets it. During a
 * post-conversation survey the agent has already closed it (LP refuses a second CLOSE): it is only forgotten
 * here, and the unanswered survey is left to expire on LP's side.
 */
export async function closeLivePersonConversation(rt: Runtime, platform: string, conversationId: string, link: LivePersonLink, reason: string): Promise<void> {
  if (!link.conversationId) return;
  if (!link.surveyDialogId) await livePersonClient(rt).closeConversation(link.consumerJws, link.conversationId);
  const closed = link.conversationId;
  await updateSession(rt.engine, platform, conversationId, (current) => {
    if (current.human?.conversationId !== closed) return { result: undefined };
    return { result: undefined, next: { ...current, human: withoutConversation(current.human) } };
  });
  await rt.events.record({ pk: sessionKey(platform, conversationId), type: "liveperson.closed", platform, conversationId, data: { lpConversationId: closed, reason } }, rt.clock());
  logger.info("LivePerson conversation closed", { lpConversationId: closed, reason });
}

function transcript(session: Session): string {
  const lines = session.history.slice(-TRANSCRIPT_LINES).map((h) => `${h.role === "user" ? "User" : "Bot"}: ${h.text}`);
  return ["Conversation with the bot so far:", ...lines].join("\n");
}

/** LivePerson as a HumanDesk, when its credentials are set (else there is no desk, and platforms use their own handover). */
export function livePersonDesk(rt: Runtime): HumanDesk | undefined {
  if (!livePersonConfigured(rt)) return undefined;
  return {
    id: LIVEPERSON,
    idleMs: livePersonHold(rt),
    open: (turn, session, origin) => openLivePersonHandover(rt, turn, session, origin),
    forward: async (session, turn) => {
      if (session.human) await forwardToLivePerson(rt, session.human, turn);
    },
    close: async (platform, conversationId, session, reason) => {
      if (session.human) await closeLivePersonConversation(rt, platform, conversationId, session.human, reason);
    },
  };
}
