/**
 * `npm run admin -- [command]`: act on stored conversations, through the same session actions as the studio.
 *   handback <conversation>     end a human agent's hold: the bot answers the next message
 *   reset <conversation>        delete the conversation's session: the next message starts afresh
 *   dead-letters                list the jobs that failed for good
 *   redrive <sort key>          send a dead-lettered job to the job queue again
 *   studio --stage s            the studio's sessions and dead letters on a deployed stage's tables (no chat)
 *   (no command)                dynamodb-admin, a web UI of the raw tables (http://localhost:8001), fetched by npx
 * <conversation> is `conv#bm#id` or `bm#id`. The store is the running `npm start`'s; `--stage s` names a deployed
 * stage's tables (onebot-<s>-…, with the shell's AWS credentials), where every action is refused unless `--write`.
 */
import { spawn } from "node:child_process";
import { parseArgs } from "node:util";
import type { StudioStackFile } from "./start";
import { ReadStore, resolveStoreTarget, ToolError } from "./sessions/store";
import { readStackFile, stackFilePath } from "./stack-file";
import { startStudio } from "./studio/server";
import { SessionActions } from "./studio/session-actions";
import { conversationKey } from "./studio/inspect";

const USAGE = `usage: npm run admin -- [handback <conversation> | reset <conversation> | dead-letters | redrive <sort key>] [--stage s] [--write] [--json]
  handback <conversation>   end a human agent's hold: the bot answers the next message
  reset <conversation>      delete the conversation's session: its next message starts a new conversation
  dead-letters              the jobs that failed for good (jobs#dead-letter), with the sort key to redrive
  redrive <sort key>        send a dead-lettered job to the job queue again (npm start's local queue, or JOBS_QUEUE_URL)
  studio --stage <s>        the studio's Sessions and Dead letters views on a deployed stage (npm start serves the full studio)
  (no command)              dynamodb-admin on the running npm start's store (http://localhost:8001)
options:
  --stage <s>               a deployed stage's tables (onebot-<s>-sessions / -events) with the shell's AWS credentials
  --write                   allow the actions above to write to a deployed stage (read-only without it)
  --json                    machine output
  --port <p>                the studio's port (default 3100)
  <conversation>: conv#<platform>#<id> or <platform>#<id>`;

async function act(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      stage: { type: "string" },
      write: { type: "boolean", default: false },
      json: { type: "boolean", default: false },
      port: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const [command, ref] = positionals;
  if (values.help || !command) return void console.log(USAGE);
  if (!["handback", "reset", "dead-letters", "redrive", "studio"].includes(command)) throw new ToolError(`unknown command "${command}"\n${USAGE}`);
  if (command === "studio") return studioOnStage(values.stage, values.write, values.port);
  if (command !== "dead-letters" && !ref) throw new ToolError(`${command} needs ${command === "redrive" ? "a dead letter's sort key (npm run admin -- dead-letters)" : "a conversation"}\n${USAGE}`);

  const stack = values.stage ? undefined : (readStackFile() as StudioStackFile | undefined);
  const store = new ReadStore(resolveStoreTarget(values.stage ? { stage: values.stage } : { stack }));
  const jobsQueueUrl = stack?.jobsQueueUrl ?? process.env.JOBS_QUEUE_URL;
  const actions = new SessionActions(store, { allowWrites: values.write, ...(jobsQueueUrl ? { jobsQueueUrl } : {}) });
  const out = (json: unknown, line: string) => console.log(values.json ? JSON.stringify(json, null, 2) : line);
  try {
    if (command === "handback") {
      const session = await actions.handBack(conversationKey(ref!));
      out(session, `${session.pk}: handed back to the bot (version ${session.version})`);
    } else if (command === "reset") {
      const pk = conversationKey(ref!);
      await actions.reset(pk);
      out({ reset: pk }, `${pk}: reset (its next message starts a new conversation)`);
    } else if (command === "redrive") {
      const job = await actions.redrive(ref!);
      out(job, `redriven: ${job.kind} of ${job.group} (deduplication id ${job.dedupeId})`);
    } else {
      const letters = await actions.deadLetters();
      if (values.json) return void console.log(JSON.stringify(letters, null, 2));
      if (!letters.length) return void console.log("no dead letters");
      for (const e of letters) console.log(`${e.sk}  ${e.type}  ${JSON.stringify(e.data)}`);
    }
  } finally {
    store.close();
  }
}

/** The studio without a stack: a deployed stage's sessions and dead letters, read-only unless --write. */
async function studioOnStage(stage: string | undefined, write: boolean, portText: string | undefined): Promise<void> {
  if (!stage) {
    const running = readStackFile() as StudioStackFile | undefined;
    throw new ToolError(running?.studioUrl ? `npm start serves the studio at ${running.studioUrl}` : "studio needs --stage <s> (npm start serves the full studio locally)");
  }
  const port = Number(portText ?? 3100);
  if (!Number.isInteger(port) || port < 0 || port > 65535) throw new ToolError(`--port must be 0-65535, got "${portText}"`);
  const jobsQueueUrl = process.env.JOBS_QUEUE_URL;
  const studio = await startStudio({ host: "127.0.0.1", port, store: resolveStoreTarget({ stage }), allowWrites: write, ...(jobsQueueUrl ? { jobsQueueUrl } : {}) });
  console.log(`Studio on stage ${stage} (${write ? "writes allowed" : "read-only; --write allows its actions"}): ${studio.url}\nCtrl-C stops it.`);
  await new Promise<void>((resolve) => {
    process.once("SIGINT", resolve);
    process.once("SIGTERM", resolve);
  });
  await studio.close();
}

function dynamodbAdmin(args: string[]): void {
  const stack = readStackFile();
  if (!stack) {
    console.error(`admin: the local stack is not running (no live ${stackFilePath()}): start it with \`npm start\` first`);
    process.exit(1);
  }
  const child = spawn("npx", ["--yes", "dynamodb-admin@5.3.3", ...args], {
    stdio: "inherit",
    env: {
      ...process.env,
      DYNAMO_ENDPOINT: stack.dynamoEndpoint,
      AWS_REGION: stack.region,
      ...(stack.dynamoEmbedded ? { AWS_ACCESS_KEY_ID: "local", AWS_SECRET_ACCESS_KEY: "local" } : {}),
    },
  });
  for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
  child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
}

if (require.main === module) {
  const argv = process.argv.slice(2);
  // Anything that is not one of our commands (e.g. dynamodb-admin's --port) goes to dynamodb-admin as before.
  if (argv.length === 0 || (argv[0]?.startsWith("-") && !["-h", "--help"].includes(argv[0]))) dynamodbAdmin(argv);
  else {
    act(argv).catch((err: unknown) => {
      const known = err instanceof ToolError || (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS");
      console.error(`admin: ${known ? (err as Error).message : `unexpected error: ${(err as Error)?.message ?? err}`}`);
      process.exitCode = 1;
    });
  }
}
