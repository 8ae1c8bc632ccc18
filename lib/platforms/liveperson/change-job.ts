import { choice, file, historyText, say, type OutboundMessage } from "../../conversation";
import { applyHandoverEvent } from "../../engine/handover";
import { runTurn } from "../../engine/run-turn";
import { offeredSuggestions } from "../../engine/suggestion-replies";
import { updateSession } from "../../engine/update-session";
import type { JobHandler } from "../../jobs/worker";
import { logger } from "../../log";
import type { Runtime } from "../../runtime";
import { deliveryKey } from "../../session/keys";
import { relayToUser } from "../relay";
import { withoutConversation, type LivePersonLink } from "./bridge";
import { livePersonHold } from "./settings";
import { findLivePersonConversation, type IndexedSession } from "./conversation-index";
import type { ConversationChange, MessagingChange } from "./schema";

export const LIVEPERSON_CHANGE = "liveperson.change";

export type LivePersonChangePayload =
  | { type: "ms.MessagingEventNotification"; change: MessagingChange }
  | { type: "cqm.ExConversationChangeNotification"; change: ConversationChange };

/**
 * One change of a LivePerson webhook notification, out of band. Deliveries are at-least-once and
 * unordered: agent messages are relayed in sequence order per dialog (older or repeated ones dropped),
 * conversation changes older than the last one applied are ignored.
 */
export const applyLivePersonChange: JobHandler = async (rt, payload) => {
  const p = payload as unknown as LivePersonChangePayload;
  if (p.type === "ms.MessagingEventNotification") await relayAgentMessage(rt, p.change);
  else await applyConversationChange(rt, p.change);
};

async function target(rt: Runtime, lpConversationId: string | undefined): Promise<IndexedSession | undefined> {
  const found = lpConversationId ? await findLivePersonConversation(rt, lpConversationId) : undefined;
  if (!found) logger.warn("LivePerson notification for a conversation we did not open: ignored", { lpConversationId });
  return found;
}

/**
 * Roles whose messages are not for the user: CONSUMER is us (every SEND we make, so our own messages, comes back
 * with it) and CONTROLLER writes LP's system messages (transfers, joins). Everyone else who writes into the
 * conversation speaks to the consumer: the assigned agent, an agent who joined, a manager, a survey bot (AGENT).
 */
const SILENT_ROLES = new Set(["CONSUMER", "CONTROLLER"]);

async function relayAgentMessage(rt: Runtime, change: MessagingChange): Promise<void> {
  const role = change.originatorMetadata?.role;
  if (role === undefined || SILENT_ROLES.has(role)) return logger.debug("LivePerson event not from an agent: ignored", { role, type: change.event.type });
  const messages = agentMessages(change);
  if (!messages.length) return logger.debug("LivePerson agent event without content: ignored", { type: change.event.type });
  // A survey writes into a dialog of its own: the conversation finds the session, the dialog orders the messages.
  const conversation = change.conversationId ?? change.dialogId;
  const dialogId = change.dialogId ?? conversation;
  const to = await target(rt, conversation);
  if (!to || !dialogId) return;
  const session = await rt.sessions.load(to.platform, to.conversationId, rt.clock());
  const link = session?.human as LivePersonLink | undefined;
  if (!link || link.conversationId !== conversation) return logger.info("LivePerson conversation no longer open here: agent message dropped", { conversation, dialogId });
  const sequence = change.sequence;
  const lastSequence = lastSequenceOf(link, dialogId);
  if (sequence !== undefined && lastSequence !== undefined && sequence <= lastSequence) {
    return logger.info("LivePerson agent message already relayed or out of date: dropped", { dialogId, sequence, lastSequence });
  }
  const ref = `lp:${dialogId}:${sequence ?? change.serverTimestamp ?? ""}`;
  // The relay leaves a progress record: a rerun after the session update below failed does not relay it again.
  const progress = deliveryKey(to.platform, to.conversationId, ref);
  if ((await rt.events.deliveredParts(progress)) === 0) {
    await relayToUser(rt, link.origin, messages, ref);
    await rt.events.markDelivered(progress, 1, rt.clock()).catch((err: unknown) => logger.warn("relay progress not recorded", { error: String(err) }));
  } else logger.info("LivePerson agent message relayed by an earlier try: not relayed again", { dialogId, sequence });
  await updateSession(rt.engine, to.platform, to.conversationId, (current, now) => {
    const human = current.human as LivePersonLink | undefined;
    if (!human || human.conversationId !== conversation) return { result: undefined };
    // An agent's message extends the idle hold, as a user's does.
    const { handover } = applyHandoverEvent(current, { kind: "extend-hold", holdMs: livePersonHold(rt) }, now);
    // Cut like the engine's history lines: context for the bot and the next agent, not an archive.
    const line = { role: "bot" as const, text: `[agent] ${messages.map(historyText).join(" ")}`.slice(0, MAX_HISTORY_TEXT), at: now };
    const { offered: _previous, ...rest } = withSequence(human, dialogId, sequence);
    const replies = offeredSuggestions(messages);
    // Kept in the session item, so only when small: without it a numbered answer is sent as typed.
    const keep = replies && JSON.stringify(replies).length <= MAX_OFFERED_CHARS;
    return { result: undefined, next: { ...current, handover, human: keep ? { ...rest, offered: { dialogId, replies } } : rest, history: [...current.history, line] } };
  });
}

const MAX_OFFERED_CHARS = 4_096;
const MAX_HISTORY_TEXT = 1_000;

/** Dialogs besides the MAIN one whose sequences are kept: a conversation has a survey at most, so a few suffice. */
const MAX_OTHER_DIALOGS = 4;

/** The last relayed sequence in a dialog: the MAIN one's (its id is the conversation's) or another's (a survey). */
function lastSequenceOf(link: LivePersonLink, dialogId: string): number | undefined {
  if (dialogId === link.conversationId) return link.lastSequence;
  const others = link.dialogSequences;
  return others && Object.hasOwn(others, dialogId) ? others[dialogId] : undefined;
}

function withSequence(link: LivePersonLink, dialogId: string, sequence: number | undefined): LivePersonLink {
  if (sequence === undefined) return link;
  const last = Math.max(sequence, lastSequenceOf(link, dialogId) ?? -1);
  if (dialogId === link.conversationId) return { ...link, lastSequence: last };
  const kept = Object.entries(link.dialogSequences ?? {}).filter(([id]) => id !== dialogId).slice(-(MAX_OTHER_DIALOGS - 1));
  return { ...link, dialogSequences: Object.fromEntries([...kept, [dialogId, last]]) };
}

/**
 * An agent ContentEvent (text, quick replies) or RichContentEvent (its text elements, buttons as options).
 * The schema leaves event content loose (LP's rich content is open-ended): everything is read defensively,
 * so odd content yields less text, never a job that fails on every try.
 */
function agentMessages(change: MessagingChange): OutboundMessage[] {
  const event = change.event as Record<string, unknown>;
  const str = (value: unknown) => (typeof value === "string" && value ? value : undefined);
  const list = (value: unknown): unknown[] => (Array.isArray(value) ? value : []);
  const field = (value: unknown, key: string): unknown => (value && typeof value === "object" ? (value as Record<string, unknown>)[key] : undefined);
  const postbackOf = (node: unknown, title: string) => str(list(field(field(node, "click"), "actions")).map((a) => field(a, "text")).find(str)) ?? title;
  if (event.type === "ContentEvent" && typeof event.message === "string") {
    const replies = list(field(event.quickReplies, "replies")).flatMap((r) => {
      const title = str(field(r, "title"));
      return title ? [choice(title, postbackOf(r, title))] : [];
    });
    return [say(event.message, replies)];
  }
  if (event.type === "ContentEvent" && event.contentType === "hosted/file") return sharedFile(event.message);
  if (event.type === "RichContentEvent") {
    const texts: string[] = [];
    const buttons: ReturnType<typeof choice>[] = [];
    const walk = (node: unknown): void => {
      const type = field(node, "type");
      const text = str(field(node, "text"));
      const title = str(field(node, "title"));
      if (type === "text" && text) texts.push(text);
      if (type === "button" && title) buttons.push(choice(title, postbackOf(node, title)));
      list(field(node, "elements")).forEach(walk);
    };
    walk(event.content);
    return texts.length || buttons.length ? [say(texts.join("\n") || "Please choose:", buttons)] : [];
  }
  return [];
}

/**
 * An agent's file share: `message` is `{caption, relativePath, fileType, preview}`. `relativePath` lies in LP's
 * file store, readable only through a signed URL that LP makes live for about a minute: a link built from it would
 * be dead by the time most users tap it, so the user gets the caption (or the file type) as text. A link is sent
 * only when the share already carries an absolute https URL. The inline `preview` (a data URI) is never relayed.
 */
function sharedFile(message: unknown): OutboundMessage[] {
  const fields = message && typeof message === "object" ? (message as Record<string, unknown>) : {};
  const caption = typeof fields.caption === "string" ? fields.caption.trim() : "";
  const fileType = typeof fields.fileType === "string" ? fields.fileType.trim() : "";
  const path = typeof fields.relativePath === "string" ? fields.relativePath : "";
  const label = caption ? `[file] ${caption}` : fileType ? `[file] (${fileType})` : "[file]";
  if (/^https:\/\/\S+$/i.test(path)) return [file(path, caption ? { name: caption } : {}, label)];
  return [say(label)];
}

async function applyConversationChange(rt: Runtime, change: ConversationChange): Promise<void> {
  const { convId, conversationDetails: details } = change.result;
  const to = await target(rt, convId);
  if (!to) return;
  const ts = details.metaDataLastUpdateTs ?? 0;
  // After the agent closes, a post-conversation survey may keep the conversation at stage OPEN with an open
  // POST_SURVEY dialog: the user answers it before the bot takes over. It is over at stage CLOSE, or when no
  // survey dialog is open (a notification without stage or dialogs closes at state CLOSE, as before).
  const survey = details.dialogs?.find((d) => d.dialogType === "POST_SURVEY" && d.state === "OPEN" && d.dialogId);
  const closing = details.state === "CLOSE" && (details.stage === "CLOSE" || !survey);
  const surveyDialogId = details.state === "CLOSE" && !closing ? survey?.dialogId : undefined;
  const { written, before } = await updateSession(rt.engine, to.platform, to.conversationId, (current, now) => {
    const link = current.human as LivePersonLink | undefined;
    if (!link || link.conversationId !== convId || (link.lastChangeTs !== undefined && ts <= link.lastChangeTs)) return { result: undefined };
    if (closing) {
      return { result: undefined, next: { ...applyHandoverEvent(current, { kind: "to-bot" }, now), human: { ...withoutConversation(link), lastChangeTs: ts } } };
    }
    const { surveyDialogId: _previous, ...open } = link;
    if (!surveyDialogId) return { result: undefined, next: { ...current, human: { ...open, lastChangeTs: ts } } };
    return { result: undefined, next: { ...applyHandoverEvent(current, { kind: "extend-hold", holdMs: livePersonHold(rt) }, now), human: { ...open, surveyDialogId, lastChangeTs: ts } } };
  });
  // A close this job applied on an earlier try whose greeting did not go out: the greeting is still owed.
  const closedBefore = !written && closing && isClosedAt(before.human as LivePersonLink | undefined, ts);
  if (!written && !closedBefore) return logger.info("LivePerson conversation change out of date or already applied: ignored", { convId, ts });
  if (written) await recordChange(rt, to, before.pk, convId, details, { closing, surveyDialogId, ts });
  if (!closing || !before.human) return;

  // Back with the bot, which greets the user again (a turn of its own, recorded and deduplicated like any other);
  // the greeting leaves a progress record, so a rerun after it was relayed does not relay it again.
  const messageId = `lp-close:${convId}:${ts}`;
  const outcome = await runTurn(
    { platform: to.platform, conversationId: to.conversationId, userId: before.userId ?? to.conversationId, messageId, message: { type: "event", name: "handover_ended" }, receivedAt: rt.clock() },
    rt.engine,
  );
  const progress = deliveryKey(to.platform, to.conversationId, messageId);
  if (!outcome.messages.length || (await rt.events.deliveredParts(progress)) > 0) return;
  await relayToUser(rt, before.human.origin, outcome.messages, `lp-close:${convId}`);
  await rt.events.markDelivered(progress, 1, rt.clock()).catch((err: unknown) => logger.warn("relay progress not recorded", { error: String(err) }));
}

/** The link as a close at `ts` left it: no LivePerson conversation, that change the last applied. */
const isClosedAt = (link: LivePersonLink | undefined, ts: number) => Boolean(link && link.conversationId === undefined && link.lastChangeTs === ts);

async function recordChange(
  rt: Runtime,
  to: IndexedSession,
  pk: string,
  convId: string,
  details: ConversationChange["result"]["conversationDetails"],
  { closing, surveyDialogId, ts }: { closing: boolean; surveyDialogId: string | undefined; ts: number },
): Promise<void> {
  const agentJoined = details.participants?.some((p) => p.role === "ASSIGNED_AGENT") ?? false;
  const type = closing ? "liveperson.closed_by_agent" : surveyDialogId ? "liveperson.survey" : agentJoined ? "liveperson.agent_assigned" : "liveperson.changed";
  const data = { lpConversationId: convId, state: details.state, ...(details.stage ? { stage: details.stage } : {}), ...(surveyDialogId ? { surveyDialogId } : {}), ts };
  await rt.events.record({ pk, type, platform: to.platform, conversationId: to.conversationId, data }, rt.clock());
}
