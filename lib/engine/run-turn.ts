import { describeInbound, historyText, inboundText, type BotReply, type OutboundMessage, type Turn } from "../conversation";
import { logger } from "../log";
import { countMetric } from "../metrics";
import type { EventStore } from "../session/events";
import { mergeNamespace } from "../session/namespaces";
import { findProcessed, hasAnswer } from "../session/processed";
import { sessionKey } from "../session/keys";
import { type HandoverState, type HistoryEntry, type ProcessedEntry, type ReplySuggestion, type Session, type AppliedReply, type AiUsage } from "../session/session";
import type { SessionStore } from "../session/store";
import type { AiAnswer } from "../ai/responder";
import type { Bot, DialogContext } from "./bot";
import { currentHandover, handedToHuman, startHandover, withHuman } from "./handover";
import { fillPlaceholders } from "./placeholders";
import { updateSession } from "./update-session";
import { appliedOf, validateReply } from "./validate-reply";
import { offeredSuggestions, resolveSuggestionReply } from "./suggestion-replies";

export interface AiRequest {
  /** For the AI metrics' dimension. */
  platform: string;
  history: HistoryEntry[];
  userText: string;
  instructions?: string;
  deadline: number;
}

export interface EngineDeps {
  sessions: SessionStore;
  events: EventStore;
  bot: Bot;
  clock: () => number;
  sleep?: (ms: number) => Promise<void>;
  /** The AI responder, when one is configured (lib/ai, loaded on first use). */
  ai?: (input: AiRequest) => Promise<AiAnswer>;
  limits: { maxAttempts: number; sessionTtlDays: number; dedupeMs: number };
}

export interface TurnOptions {
  /** How long a human hold lasts on a platform with no hand-back signal; undefined = until released. */
  handoverQuietMs?: number;
  /**
   * The reply suggestions as the platform numbered them when it showed them as text (e.g. BM on SMS), so
   * that a later "2" means what the user saw. Without it (or when it returns none), the last text's
   * reply suggestions are numbered in order.
   */
  numberedOptions?: (messages: OutboundMessage[]) => ReplySuggestion[];
  /**
   * Answers the turn instead of the bot's dialog states: e.g. an Engage action, which gets the same
   * session, dedupe and concurrency handling. Must be safe to rerun (use ctx.idempotencyKey).
   */
  respond?: (ctx: Omit<DialogContext, "goto">) => Promise<BotReply> | BotReply;
  /** Epoch ms by which the answer must be ready (the platform's budget): bounds the AI call. */
  deadline?: number;
  /** Each user message during a human hold pushes its end this far out (an idle timeout, e.g. LivePerson's). */
  extendHumanHoldMs?: number;
  /**
   * The message id is the caller's idempotency key (Engage's requestId): its answer is kept for the session
   * TTL, not only while the item holds it (the newest 5 and those of the last 10 s, DEDUPE_TTL_HOURS, the byte
   * budget). Costs a lookup (one GetItem) on a keyed id kept without its answer, or on an unknown one once keyed
   * ids were forgotten (recordedAnswer), and one PutItem per answer that leaves.
   */
  durableAnswer?: boolean;
}

export type TurnOutcome =
  /** The bot answered (messages may be empty). */
  | {
      kind: "answered";
      messages: OutboundMessage[];
      applied: AppliedReply;
      session: Session;
      /** The human hold that ended with this turn (its `until` passed), for the platform to close on its side. */
      released?: HandoverState & { status: "human" };
    }
  /**
   * This message id was processed before: the recorded answer, nothing written. `earlier`: it was recorded
   * before this call's first read (an earlier delivery answered it); false when a rerun found it, e.g. this
   * call's own write landed but its answer was lost, so the SDK's retry met the new version.
   */
  | { kind: "duplicate"; messages: OutboundMessage[]; applied: AppliedReply; session: Session; earlier: boolean }
  /** A human holds the conversation: the bot stays silent. */
  | { kind: "silent"; messages: []; applied: AppliedReply; session: Session };


/**
 * One turn, as DESIGN.md draws it: one consistent read, then one write conditional on the version read.
 * A duplicate costs the read only. A lost race re-reads and reruns the whole turn (bounded), so no
 * update is lost; the message id is recorded in the same write as its outcome, so a failed turn is
 * simply retried by the platform.
 */
export async function runTurn(turn: Turn, deps: EngineDeps, options: TurnOptions = {}): Promise<TurnOutcome> {
  const memo: AiMemo = {};
  let reads = 0;
  const { result, session, before } = await updateSession<TurnOutcome | Decision>(deps, turn.platform, turn.conversationId, async (current, now) => {
    reads++;
    const seen = await recordedAnswer(turn, current, deps, options);
    if (seen) return { result: { kind: "duplicate", messages: seen.messages ?? [], applied: seen.applied ?? {}, session: current, earlier: reads === 1 } };
    const decided = await decide(turn, current, deps, options, now, memo);
    const recorded: ProcessedEntry = {
      id: turn.messageId,
      at: now,
      messages: decided.messages,
      ...(isEmpty(decided.applied) ? {} : { applied: decided.applied }),
      ...(options.durableAnswer ? { durable: true as const } : {}),
    };
    return {
      result: decided,
      next: {
        ...decided.session,
        userId: turn.userId,
        ...(turn.channel ? { channel: turn.channel } : {}),
        processed: [...current.processed, recorded],
      },
    };
  });
  if (result.kind === "duplicate") {
    // Any message already answered, whether met on the first read (a platform's retry) or on a rerun (a retry racing this one).
    countMetric("Duplicates", 1, { platform: turn.platform });
    return result as TurnOutcome;
  }
  countMetric("Turns", 1, { platform: turn.platform });
  await recordHandoverChange(deps, turn, before.handover, session.handover, deps.clock());
  if (memo.answer) await recordAiUse(deps, turn, await memo.answer);
  return result.kind === "silent"
    ? { kind: "silent", messages: [], applied: {}, session }
    : { kind: "answered", messages: result.messages, applied: result.applied, session, ...(releasedHold(before.handover, session.handover) ?? {}) };
}

/**
 * This message id's recorded answer, if it was processed: from the session item, or for a keyed turn whose
 * answer left the item, from its own item. Looked up after the session read, so an answer that left with any
 * version up to the one read is found, and one recorded after it makes the conditional write fail.
 */
async function recordedAnswer(turn: Turn, current: Session, deps: EngineDeps, options: TurnOptions): Promise<Pick<ProcessedEntry, "messages" | "applied"> | undefined> {
  const seen = findProcessed(current.processed, turn.messageId);
  // Only keyed answers leave the item for items of their own: a keyed id kept without its answer, or one
  // the item no longer knows while some keyed ids were forgotten, is looked up.
  if (!options.durableAnswer || (seen ? hasAnswer(seen) || !seen.durable : !current.forgotten)) return seen;
  // A processed id (seen) is a duplicate even if its record is gone; an unseen one runs unless recorded.
  return (await deps.sessions.loadAnswer(turn.platform, turn.conversationId, turn.messageId)) ?? seen;
}

interface Decision {
  kind: "answered" | "silent";
  messages: OutboundMessage[];
  applied: AppliedReply;
  session: Session;
}

/** One AI call per turn, even when a version conflict reruns the turn. */
interface AiMemo {
  answer?: Promise<AiAnswer>;
}

/** Runs the bot (or stays silent for a human) and applies its reply in Engage's order. */
async function decide(turn: Turn, session: Session, deps: EngineDeps, options: TurnOptions, now: number, memo: AiMemo): Promise<Decision> {
  const handover = currentHandover(session.handover, now);
  const userLine: HistoryEntry = { role: "user", text: describeInbound(turn.message).slice(0, MAX_HISTORY_TEXT), at: now };
  // A human holds the chat: the bot stays silent. Direct actions (options.respond) are business calls, not chat: they run.
  if (withHuman(handover) && !options.respond) {
    const held = handover.status === "human" && options.extendHumanHoldMs !== undefined ? { ...handover, until: now + options.extendHumanHoldMs } : handover;
    return { kind: "silent", messages: [], applied: {}, session: { ...session, handover: held, history: [...session.history, userLine] } };
  }

  const message = resolveSuggestionReply(turn.message, session.lastSuggestions);
  const respond = options.respond ?? ((ctx: Omit<DialogContext, "goto">) => deps.bot.reply(ctx));
  const raw = await respond({
    turn: { ...turn, message },
    text: inboundText(message)?.trim(),
    firstContact: session.processed.length === 0 && session.history.length === 0,
    ...(session.state ? { state: session.state } : {}),
    namespaces: session.namespaces,
    aiAvailable: deps.ai !== undefined,
    idempotencyKey: `${session.pk}#${turn.messageId}`,
  });
  const reply = validateReply(raw);
  // Engage order: session first, then messages (seeing the merged session), then the next state.
  const namespaces = reply.session ? mergeNamespace(session.namespaces, reply.session) : session.namespaces;
  const messages = fillPlaceholders(reply.messages ?? [], namespaces);
  let aiUsage = session.ai;
  if (reply.ai && deps.ai) {
    const ai = deps.ai;
    memo.answer ??= ai({ platform: turn.platform, history: session.history, userText: describeInbound(message), ...(reply.ai.instructions ? { instructions: reply.ai.instructions } : {}), deadline: options.deadline ?? now + 60_000 });
    const answer = await memo.answer;
    messages.push({ type: "text", text: answer.text });
    if (answer.answered) aiUsage = addAiUsage(session.ai, answer);
  }
  const botLines = messages.map((m): HistoryEntry => ({ role: "bot", text: historyText(m).slice(0, MAX_HISTORY_TEXT), at: now }));
  const numbered = options.numberedOptions?.(messages);
  const offered = numbered?.length ? numbered : offeredSuggestions(messages);
  const { state: _previous, lastSuggestions: _last, ...rest } = session;
  return {
    kind: "answered",
    messages,
    applied: appliedOf(reply),
    session: {
      ...rest,
      namespaces,
      ...(reply.nextDialogstate ? { state: reply.nextDialogstate } : {}),
      ...(offered ? { lastSuggestions: offered } : {}),
      handover: reply.handover ? startHandover(reply.handover, now, options.handoverQuietMs) : handover,
      history: [...session.history, userLine, ...botLines],
      ...(aiUsage ? { ai: aiUsage } : {}),
    },
  };
}

/** The conversation's AI totals with one more answer: kept in the session, which the turn writes anyway. */
function addAiUsage(total: AiUsage | undefined, answer: AiAnswer): AiUsage {
  const usage = answer.completion?.usage;
  const model = answer.completion?.model ?? total?.model;
  return {
    calls: (total?.calls ?? 0) + 1,
    promptTokens: (total?.promptTokens ?? 0) + (usage?.prompt_tokens ?? 0),
    completionTokens: (total?.completionTokens ?? 0) + (usage?.completion_tokens ?? 0),
    ...(model ? { model } : {}),
  };
}

/** History lines are for context (agents, the AI), not archives: long texts are cut to keep the item small. */
const MAX_HISTORY_TEXT = 1_000;

/**
 * An AI answer is logged with its usage (the session sums it, see addAiUsage; CloudWatch gets the metrics);
 * a fallback is also an `ai.fallback` event with the reason, so failures show in the conversation's events.
 * Not an event per answer: that write would cost each AI turn a third of its write units.
 */
async function recordAiUse(deps: EngineDeps, turn: Turn, answer: AiAnswer): Promise<void> {
  const data = { messageId: turn.messageId, ms: answer.ms, ...(answer.completion?.usage ? { usage: answer.completion.usage } : {}), ...(answer.completion?.model ? { model: answer.completion.model } : {}), ...(answer.error ? { error: answer.error } : {}) };
  if (answer.answered) return logger.info("AI answered", data);
  logger.warn("AI responder failed: fallback message sent", { error: answer.error, ms: answer.ms });
  try {
    await deps.events.record({ pk: sessionKey(turn.platform, turn.conversationId), type: "ai.fallback", platform: turn.platform, conversationId: turn.conversationId, data }, deps.clock());
  } catch (err) {
    logger.warn("could not record AI fallback", { error: String(err) });
  }
}

/** A human hold that the turn ended (it timed out) and that a new handover did not replace. */
function releasedHold(before: HandoverState, after: HandoverState): { released: HandoverState & { status: "human" } } | undefined {
  return before.status === "human" && (after.status === "bot" || after.since !== before.since) ? { released: before } : undefined;
}

/** Handover changes also go to the events table for inspection; the session item already holds the truth. */
async function recordHandoverChange(deps: EngineDeps, turn: Turn, before: HandoverState, after: HandoverState, now: number) {
  if (before.status === after.status && !handedToHuman(before, after)) return;
  const type = after.status === "human" ? "handover.started" : "handover.ended";
  try {
    await deps.events.record(
      { pk: sessionKey(turn.platform, turn.conversationId), type, platform: turn.platform, conversationId: turn.conversationId, data: { ...after } },
      now,
    );
    logger.info(type, { conversationId: turn.conversationId });
  } catch (err) {
    logger.warn("could not record handover event", { type, error: String(err) });
  }
}

const isEmpty = (applied: AppliedReply) => Object.keys(applied).length === 0;
