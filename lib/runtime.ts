import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { createBot } from "../bot";
import { settings as readSettings, type Settings } from "./config";
import type { BotActions } from "./engine/actions";
import type { Bot } from "./engine/bot";
import type { EngineDeps } from "./engine/run-turn";
import type { JobQueue } from "./jobs/job";
import { createDocumentClient } from "./session/dynamo";
import { EventStore } from "./session/events";
import { SessionStore } from "./session/store";

/**
 * The composition root: settings, clock, DynamoDB client, stores and the bot, created once per warm
 * Lambda. Tests build their own with createRuntime(...) and install it with useRuntime(...).
 */
export interface Runtime {
  settings: Settings;
  clock: () => number;
  doc: DynamoDBDocumentClient;
  sessions: SessionStore;
  events: EventStore;
  bot: Bot;
  actions: BotActions;
  engine: EngineDeps;
  /** Out-of-band work (SQS), made on first use by lib/jobs/queue.ts; tests pass an in-process queue. */
  jobs?: JobQueue;
}

export function createRuntime(overrides: Partial<Pick<Runtime, "settings" | "clock" | "doc" | "bot" | "actions" | "jobs">> = {}): Runtime {
  const settings = overrides.settings ?? readSettings();
  const clock = overrides.clock ?? Date.now;
  const doc = overrides.doc ?? createDocumentClient(process.env.AWS_ENDPOINT_URL_DYNAMODB);
  const sessions = new SessionStore(doc, settings.SESSIONS_TABLE);
  const events = new EventStore(doc, settings.EVENTS_TABLE, settings.EVENTS_TTL_DAYS);
  const userBot = createBot({ doc, sessionsTable: settings.SESSIONS_TABLE, clock, sessionTtlDays: settings.SESSION_TTL_DAYS });
  const bot = overrides.bot ?? userBot.bot;
  const actions = overrides.actions ?? userBot.actions;
  const engine: EngineDeps = {
    sessions,
    events,
    bot,
    clock,
    // Loaded on first use only: turns that never ask for AI never evaluate lib/ai.
    ...(settings.AI_BASE_URL
      ? { ai: async (input) => (await import("./ai/responder")).answerWithAi(settings, { ...input, clock }) }
      : {}),
    limits: {
      maxAttempts: settings.MAX_TURN_ATTEMPTS,
      sessionTtlDays: settings.SESSION_TTL_DAYS,
      dedupeMs: settings.DEDUPE_TTL_HOURS * 3_600_000,
    },
  };
  return { settings, clock, doc, sessions, events, bot, actions, engine, ...(overrides.jobs ? { jobs: overrides.jobs } : {}) };
}


let current: Runtime | undefined;

export function runtime(): Runtime {
  current ??= createRuntime();
  return current;
}

export function useRuntime(next: Runtime | undefined): void {
  current = next;
}
