import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { readSettings, settings as processSettings, type Settings } from "./config";
import type { BotActions } from "./engine/actions";
import type { Bot } from "./engine/bot";
import type { EngineDeps } from "./engine/run-turn";
import type { JobQueue } from "./jobs/job";
import { createBotStore, type BotStore } from "./session/bot-store";
import { createDocumentClient } from "./session/dynamo";
import { EventStore } from "./session/events";
import { SessionStore } from "./session/store";

/** What the runtime hands a user's bot: its own storage (lib/session/bot-store.ts), the clock, the session TTL. */
export interface BotDeps {
  store: BotStore;
  clock: () => number;
  /** How long a conversation's session lives after its last turn (SESSION_TTL_DAYS). */
  sessionTtlDays: number;
}

/** A user's bot: its dialog states (the engine's Bot) and its named actions (Engage's API step). */
export interface UserBot {
  bot: Bot;
  actions: BotActions;
}

/** How the composition root (app/runtime.ts) or a test names the bot: made once per runtime, from its deps. */
export type BotFactory = (deps: BotDeps) => UserBot;

/**
 * Settings, clock, DynamoDB client, stores and the user's bot, created once per warm Lambda. lib/ never names
 * a bot: the composition root (app/runtime.ts) creates the deployed runtime with its bot; tests build their own
 * with createRuntime(...) and install it with useRuntime(...).
 */
export interface Runtime {
  settings: Settings;
  /** The environment the settings were read from: platforms read their own slices of it (lib/platforms/platform-settings.ts). */
  env: Readonly<Record<string, string | undefined>>;
  clock: () => number;
  doc: DynamoDBDocumentClient;
  sessions: SessionStore;
  events: EventStore;
  /** The bot's own storage, as handed to it. */
  botStore: BotStore;
  bot: Bot;
  actions: BotActions;
  engine: EngineDeps;
  /** Out-of-band work (SQS), made on first use by lib/jobs/queue.ts; tests pass an in-process queue. */
  jobs?: JobQueue;
}

export interface RuntimeOptions extends Partial<Pick<Runtime, "settings" | "env" | "clock" | "doc" | "jobs">> {
  /** The user's bot. */
  userBot: BotFactory;
  /** Replace the bot's dialog states or actions (tests: a slow or counting bot). */
  bot?: Bot;
  actions?: BotActions;
}

export function createRuntime(options: RuntimeOptions): Runtime {
  const env = options.env ?? process.env;
  // A given environment is read as given; the process environment once per process (config.settings()).
  const settings = options.settings ?? (options.env ? readSettings(options.env) : processSettings());
  const clock = options.clock ?? Date.now;
  const doc = options.doc ?? createDocumentClient(process.env.AWS_ENDPOINT_URL_DYNAMODB);
  const sessions = new SessionStore(doc, settings.SESSIONS_TABLE);
  const events = new EventStore(doc, settings.EVENTS_TABLE, settings.EVENTS_TTL_DAYS);
  const botStore = createBotStore(doc, settings.SESSIONS_TABLE, clock);
  const userBot = options.userBot({ store: botStore, clock, sessionTtlDays: settings.SESSION_TTL_DAYS });
  const bot = options.bot ?? userBot.bot;
  const actions = options.actions ?? userBot.actions;
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
  return { settings, env, clock, doc, sessions, events, botStore, bot, actions, engine, ...(options.jobs ? { jobs: options.jobs } : {}) };
}

let current: Runtime | undefined;

/**
 * The installed runtime. With `create` (the composition root's), one is made and installed on first use when
 * none is; without, none installed is a programming error: a handler was built without the composition root.
 */
export function runtime(create?: () => Runtime): Runtime {
  if (current) return current;
  if (!create) throw new Error("no runtime installed: build handlers with app/ (the composition root), or install one with useRuntime(...)");
  current = create();
  return current;
}

/** Installs `next` (a test's runtime), or removes the installed one (undefined). */
export function useRuntime(next: Runtime | undefined): void {
  current = next;
}
