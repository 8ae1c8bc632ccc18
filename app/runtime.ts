import { bankBot } from "../bot";
import { createRuntime, runtime, type BotFactory, type Runtime } from "../lib/runtime";

/**
 * The composition root: the one place that names the bot. lib/ is the framework and never imports bot/; it
 * takes the bot as a BotFactory (lib/runtime.ts), called once per runtime with the bot's deps (its own store,
 * the clock, the session TTL).
 *
 * The mechanism is plain injection at the edge, no registration by side effect: every deployed handler is built
 * here (app/endpoint-handler.ts for the platforms' endpoints, functions/job-worker.ts calls appRuntime()) and
 * passes `appRuntime` down as the way to get the runtime. The first call creates the runtime with this bot and
 * installs it (lib/runtime.ts's runtime(create)); a runtime a test installed with useRuntime(...) wins, so
 * tests keep building theirs with createRuntime({ userBot, ... }) and any bot they like.
 *
 * To run your own bot, replace `bankBot` below with your BotFactory.
 */
export const userBot: BotFactory = bankBot;

/** The installed runtime, or (first use in a warm Lambda) a new one with settings from the environment and the user's bot. */
export function appRuntime(): Runtime {
  return runtime(() => createRuntime({ userBot }));
}
