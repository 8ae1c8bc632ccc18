import { bankBot } from "../bot";
import { readStageSecrets, stageSecretsOf } from "../lib/deployment/secrets";
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

let deployed: { values: Readonly<Record<string, string>>; rt: Runtime } | undefined;
// The environment of a Lambda does not change: which secrets it reads is decided once.
let source: ReturnType<typeof stageSecretsOf> | null = null;

/**
 * The runtime of this request. A deployed function with stage secrets (lib/deployment/secrets.ts) gets one made
 * from its environment and its secrets' current values, made again only when a value changed (a rotation: the
 * values object is then a new one), with the same DynamoDB client; everywhere else (npm start, tests) it is
 * appRuntime().
 */
export async function currentRuntime(): Promise<Runtime> {
  if (source === null) source = stageSecretsOf(process.env);
  if (!source) return appRuntime();
  const values = await readStageSecrets(source);
  if (deployed?.values !== values) {
    const rt = createRuntime({ userBot, env: { ...process.env, ...values }, ...(deployed ? { doc: deployed.rt.doc } : {}) });
    deployed = { values, rt };
  }
  return deployed.rt;
}
