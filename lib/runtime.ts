import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { createBot } from "../bot";
import { settings as readSettings, type Settings } from "./config";
import type { BotActions } from "./engine/actions";
import type { Bot } from "./engine/bot";
import type { EngineDeps } from "./engine/run-turn";
import { recordDeadLetter } from "./jobs/dead-letter";
import { jobHandlers } from "./jobs/handlers";
import type { JobQueue } from "./jobs/job";
import { LocalJobQueue } from "./jobs/local-queue";
import { SqsJobQueue } from "./jobs/sqs-queue";
import { runJob } from "./jobs/worker";
import { createDocumentClient } from "./session/dynamo";
import { StoreUnavailableError } from "./session/errors";
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
  /** Out-of-band work: SQS in a deployment, in-process on the local stack. */
  jobs: JobQueue;
}

export function createRuntime(overrides: Partial<Pick<Runtime, "settings" | "clock" | "doc" | "bot" | "actions" | "jobs">> = {}): Runtime {
  const settings = overrides.settings ?? readSettings();
  const clock = overrides.clock ?? Date.now;
  const doc = overrides.doc ?? createDocumentClient(process.env.AWS_ENDPOINT_URL_DYNAMODB);
  const sessions = new SessionStore(doc, settings.SESSIONS_TABLE);
  const events = new EventStore(doc, settings.EVENTS_TABLE, settings.EVENTS_TTL_DAYS);
  const userBot = createBot({ doc, sessionsTable: settings.SESSIONS_TABLE, clock });
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
  const rt: Runtime = { settings, clock, doc, sessions, events, bot, actions, engine, jobs: undefined as never };
  rt.jobs = overrides.jobs ?? createJobQueue(rt);
  return rt;
}

function createJobQueue(rt: Runtime): JobQueue {
  const url = rt.settings.JOBS_QUEUE_URL;
  // serverless-offline passes a `{ Ref: … }` environment value as "[object Object]": only a real URL counts.
  if (url?.startsWith("https://")) return new SqsJobQueue(url);
  if (!rt.settings.isLocal) {
    return {
      enqueue: async () => {
        throw new StoreUnavailableError("enqueue job", new Error(`JOBS_QUEUE_URL is not set on stage "${rt.settings.BOT_STAGE}"`));
      },
    };
  }
  return new LocalJobQueue(
    (job) => runJob(rt, jobHandlers, job),
    (job, error) => recordDeadLetter(rt, job, error),
  );
}

let current: Runtime | undefined;

export function runtime(): Runtime {
  current ??= createRuntime();
  return current;
}

export function useRuntime(next: Runtime | undefined): void {
  current = next;
}
