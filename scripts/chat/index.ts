/**
 * `npm run chat -- <platform> [options]` (`--help` lists them all)
 *
 * A terminal chat with the running local stack (`npm start`): real platform-shaped, correctly signed requests to
 * its webhooks, the bot's replies laid out readably. Platforms: the registry's channels (bm, engage, kommunicate,
 * twoway, botpress; aliases business-messenger, km, cm), each with its adapter here.
 * - Interactive: prompt `you> `; a number picks one of the last reply's choices; `/new` starts a new
 *   conversation, `/handback` ends a human's hold, `/raw` shows each turn's HTTP, `/help`, `/quit` (or Ctrl-D).
 * - `--replay <file>`: one user turn per line (blank lines and `# comments` skipped), printed as a transcript of
 *   `you>` / `bot>` lines. Deterministic: no times, the conversation id `replay-<file name>` (the first free one
 *   on this stack: `-2`, `-3`, … when it exists) unless `--conversation` names one, one turn at a time.
 * Base URL, credentials and store come from `.local/stack.json` (ONEBOT_STACK_FILE), written by `npm start`;
 * without it: http://127.0.0.1:$PORT (3000) and the environment's settings, else the local defaults.
 * TwoWay replies arrive on http://127.0.0.1:$CHAT_OUTBOUND_PORT/twoway/outbound (3099), which `npm start`
 * sets as TWOWAY_OUTBOUND_URL when that is unset.
 */
import { readFileSync } from "node:fs";
import { basename, extname } from "node:path";
import { createInterface } from "node:readline";
import { parseArgs } from "node:util";
import { BM_CHANNELS } from "../../lib/platforms/business-messenger/limits";
import { platforms } from "../../lib/platforms/registry";
import { ReadStore, resolveStoreTarget, ToolError } from "../sessions/store";
import { SessionActions } from "../studio/session-actions";
import { readStackFile } from "../stack-file";
import { bmAdapter } from "./bm";
import { botpressAdapter } from "./botpress";
import { engageAdapter } from "./engage";
import { peekSession, reachable, StackUnreachable } from "./http";
import { kommunicateAdapter } from "./kommunicate";
import { renderBlocks, USER } from "./render";
import { twowayAdapter } from "./twoway";
import { OutboundPortError } from "./twoway-outbound";
import { DEFAULT_USER, runNonce, type Adapter, type Block, type ChatTarget, type ChatUser, type Choice, type Exchange, type UserInput } from "./types";

/** A failure shown as one line (exit code 1). */
class ChatError extends Error {}

export type AdapterFactory = (target: ChatTarget, channel: string | undefined, user: ChatUser) => Adapter;

/** One adapter per registered platform that has conversations of its own (role "channel"), keyed by its id. */
export const ADAPTERS: Readonly<Record<string, AdapterFactory>> = {
  bm: (target, channel, user) => {
    if (channel !== undefined && !BM_CHANNELS.some((c) => c.toLowerCase() === channel.toLowerCase())) {
      throw new ChatError(`unknown Business Messenger channel "${channel}": use ${BM_CHANNELS.join(", ")}`);
    }
    return bmAdapter(target, BM_CHANNELS.find((c) => c.toLowerCase() === channel?.toLowerCase()) ?? "RCS", user);
  },
  kommunicate: (target, _channel, user) => kommunicateAdapter(target, user),
  twoway: (target, _channel, user) => {
    const host = target.outbound.host;
    if (target.stack && !["127.0.0.1", "localhost", "::1"].includes(host)) {
      throw new ChatError(`this stack POSTs TwoWay replies to ${target.outbound.url}, not to the chat: restart \`npm start\` without TWOWAY_OUTBOUND_URL`);
    }
    return twowayAdapter(target, user);
  },
  engage: (target) => engageAdapter(target),
  botpress: (target) => botpressAdapter(target),
};

/** Other names people use for a platform. */
const ALIASES: Readonly<Record<string, string>> = { "business-messenger": "bm", km: "kommunicate", cm: "twoway" };

/** The platforms the chat offers: the registry's channels, in registry order (a desk such as LivePerson has no chat of its own). */
export const CHAT_PLATFORMS: readonly string[] = platforms.filter((p) => p.role === "channel").map((p) => p.id);

/** The registered channels without an adapter here (a new platform not yet simulated): a test keeps this empty. */
export const missingAdapters = (): string[] => CHAT_PLATFORMS.filter((id) => !ADAPTERS[id]);

/** The platform id a command-line name stands for, if the chat can talk to it. */
export function chatPlatform(name: string): string | undefined {
  const id = ALIASES[name] ?? name;
  return CHAT_PLATFORMS.includes(id) && ADAPTERS[id] ? id : undefined;
}

const USAGE = `usage: npm run chat -- <${CHAT_PLATFORMS.filter((id) => ADAPTERS[id]).join("|")}> [options]   (npm run chat -- --help)`;

/** The command line's options: HELP documents each (a test keeps them in step). */
export const OPTIONS = {
  replay: { type: "string" },
  conversation: { type: "string" },
  url: { type: "string" },
  channel: { type: "string" },
  wait: { type: "string" },
  name: { type: "string" },
  locale: { type: "string" },
  raw: { type: "boolean", default: false },
  help: { type: "boolean", short: "h", default: false },
} as const;

/** The in-chat commands: HELP documents each. */
export const CHAT_COMMAND_NAMES = ["/new", "/handback", "/raw", "/help", "/quit"] as const;

export const HELP = `npm run chat -- <platform> [options]

Chat with the running local stack (\`npm start\`) as a user of one platform: every line is a real, correctly
signed platform request to the stack's webhook, and the bot's answer is laid out readably.

platform:
  ${CHAT_PLATFORMS.filter((id) => ADAPTERS[id]).join(", ")}
  (also: ${Object.entries(ALIASES).map(([alias, id]) => `${alias} = ${id}`).join(", ")})

options:
  --channel <name>        Business Messenger only: the channel the user writes on, which sets what the bot's
                          renderer may use (default RCS): ${BM_CHANNELS.join(", ")}
  --name <name>           the user's first name, where the platform sends one (BM contact, TwoWay client; default ${DEFAULT_USER.name})
  --locale <code>         the user's language (BM contact, Kommunicate KM_CHAT_CONTEXT; default ${DEFAULT_USER.locale})
  --conversation <id>     the conversation id (default: a new chat-xxxxxx; with --replay, replay-<file name>)
  --replay <file>         one user turn per line (blank lines and # comments skipped), printed as a transcript
  --raw                   print each turn's HTTP requests and answers as JSON (toggle with /raw)
  --url <base>            the stack's base URL (default: the running npm start's, from .local/stack.json)
  --wait <ms>             the longest wait for an asynchronous TwoWay reply (default 10000)
  -h, --help              this text

in the chat:
  <text>                  sent as the user's message; a number picks one of the last reply's choices
  /new                    start a new conversation
  /handback               end a human agent's hold: the bot answers again (the local stack's store)
  /raw                    show or hide each turn's raw HTTP requests and answers
  /help                   these commands (and the platform's own, e.g. Botpress's /image, Engage's line syntax)
  /quit                   leave (also Ctrl-D)

The studio (printed by npm start) does all this in a browser, with replies drawn as each platform shows them.`;

const CHAT_COMMANDS = "Type a message; a number picks a choice; /new starts a new conversation; /handback hands back to the bot; /raw shows HTTP; /help; /quit leaves.";

const DEFAULTS: Record<string, string> = {
  // Every platform's local secrets (its settings.ts), as npm start hands them to the handlers.
  ...Object.assign({}, ...platforms.map((p) => p.localSecrets)),
  BM_SIGNATURE_ENCODING: "base64",
  KOMMUNICATE_WEBHOOK_HEADER: "x-webhook-secret",
};

function resolveTarget(url: string | undefined, waitMs: number, env = process.env): ChatTarget {
  const found = readStackFile();
  const trim = (u: string) => u.replace(/\/+$/, "");
  // --url naming another server: the stack file describes a different stack, so it is not used.
  const stack = found && (!url || trim(url) === trim(found.httpUrl) || trim(url) === trim(found.httpUrl.replace("127.0.0.1", "localhost"))) ? found : undefined;
  const baseUrl = trim(url ?? stack?.httpUrl ?? `http://127.0.0.1:${env.PORT || 3000}`);
  const settings = (name: string) => stack?.secrets[name] || env[name] || DEFAULTS[name] || "";

  let outboundUrl = `http://127.0.0.1:${env.CHAT_OUTBOUND_PORT || 3099}/twoway/outbound`;
  if (stack?.twowayOutboundUrl) outboundUrl = stack.twowayOutboundUrl;
  const parsed = new URL(outboundUrl);
  const store = stack ? new ReadStore(resolveStoreTarget({ stack })) : env.AWS_ENDPOINT_URL_DYNAMODB ? new ReadStore(resolveStoreTarget({ stack: undefined })) : undefined;
  return {
    baseUrl,
    settings,
    ...(stack ? { stack } : {}),
    ...(store ? { store } : {}),
    outbound: { url: outboundUrl, host: parsed.hostname.replace(/^\[|\]$/g, ""), port: Number(parsed.port || 80), path: parsed.pathname },
    waitMs,
  };
}

/** A typed number picks one of the last reply's choices; anything else is text. */
function toInput(line: string, choices: readonly Choice[]): UserInput {
  const n = /^\d+$/.test(line) ? Number(line) : 0;
  const choice = n >= 1 ? choices[n - 1] : undefined;
  return choice ? { kind: "choice", choice, typed: line } : { kind: "text", text: line };
}

async function replay(adapter: Adapter, file: string, conversation: string | undefined, target: ChatTarget, http: RawView): Promise<void> {
  let text: string;
  try {
    text = readFileSync(file, "utf8");
  } catch (err) {
    throw new ChatError(`cannot read the replay file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
  const base = conversation ?? `replay-${basename(file, extname(file)).replace(/[^A-Za-z0-9_-]+/g, "-")}`;
  let id = conversation ?? (await firstFreeId(target, adapter.platform, base));
  let extra = 1;
  const out = (lines: string[]) => lines.length && process.stdout.write(`${lines.join("\n")}\n`);

  out([`— ${adapter.title}, conversation ${id} —`]);
  let { lines, choices } = renderBlocks(await adapter.start(id));
  out(lines);
  for (const raw of text.split(/\r?\n/)) {
    const line = raw.trim();
    if (line === "" || line.startsWith("#")) continue;
    if (line === "/quit") break;
    if (line === "/new") {
      id = conversation ? `${conversation}-${++extra}` : await firstFreeId(target, adapter.platform, `${base}-${++extra}`);
      out([`— new conversation ${id} —`]);
      ({ lines, choices } = renderBlocks(await adapter.start(id)));
      out(lines);
      continue;
    }
    const input = toInput(line, choices);
    out([`${USER}${line}${input.kind === "choice" ? ` → ${input.choice.label}` : ""}`]);
    http.taken();
    ({ lines, choices } = renderBlocks(await adapter.send(input)));
    out(lines);
    if (http.on) out(rawLines(http.taken()));
  }
}

/** `base`, else `base-2`, `base-3`, …: the first id this stack has no session for (a rerun starts afresh). */
async function firstFreeId(target: ChatTarget, platform: string, base: string): Promise<string> {
  for (let n = 1; n < 1000; n++) {
    const id = n === 1 ? base : `${base}-${n}`;
    if (!(await peekSession(target.store, platform, id))) return id;
  }
  return `${base}-${runNonce()}`;
}

/** Whether each turn's HTTP is printed (--raw, /raw), and the exchanges recorded since the last take. */
interface RawView {
  on: boolean;
  taken: () => Exchange[];
}

/** The turn's HTTP as the /raw view prints it: one JSON document per request. */
function rawLines(exchanges: readonly Exchange[]): string[] {
  return exchanges.map((e) => `— ${e.direction === "outbound" ? "bot → platform" : "platform → bot"} —\n${JSON.stringify({ request: e.request, response: e.response }, null, 2)}`);
}

/** Hands the conversation back to the bot through the shared session actions (the studio uses the same). */
async function handBack(target: ChatTarget, platform: string, id: string): Promise<string> {
  if (!target.store) return "no store known: /handback needs the running `npm start`";
  try {
    await new SessionActions(target.store).handBack(`conv#${platform}#${id}`);
    return "handed back to the bot";
  } catch (err) {
    if (err instanceof ToolError) return err.message;
    throw err;
  }
}

async function interactive(adapter: Adapter, conversation: string | undefined, target: ChatTarget, http: RawView): Promise<void> {
  const rl = createInterface({ input: process.stdin, output: process.stdout, prompt: USER, terminal: Boolean(process.stdin.isTTY && process.stdout.isTTY) });
  let id = conversation ?? `chat-${runNonce().slice(0, 6)}`;
  let choices: Choice[] = [];
  let busy = false;
  let closed = false;
  const tty = Boolean(process.stdin.isTTY);
  // Piped input: no prompts; each line is echoed as "you> …" when its turn runs.
  const prompt = (preserveCursor?: boolean) => closed || !tty || rl.prompt(preserveCursor);
  const show = (blocks: Block[], fromTurn: boolean) => {
    const rendered = renderBlocks(blocks);
    if (fromTurn) choices = rendered.choices;
    if (!rendered.lines.length) return;
    if (!busy && tty) process.stdout.write("\r\x1b[K"); // print above the waiting prompt
    process.stdout.write(`${rendered.lines.join("\n")}\n`);
    if (!busy) prompt(true);
  };
  adapter.onUnsolicited?.((blocks) => show(blocks, false));

  const begin = async () => {
    console.log(`Conversation ${id}: see it with \`npm run sessions -- show ${adapter.platform}#${id}\`.`);
    show(await adapter.start(id), true);
  };
  console.log(CHAT_COMMANDS);
  if (adapter.help) console.log(adapter.help);
  busy = true;
  await begin().catch(report);
  busy = false;
  prompt();

  let queue = Promise.resolve();
  await new Promise<void>((resolve) => {
    rl.on("close", () => {
      closed = true;
      void queue.then(resolve); // piped input: finish the turns already read
    });
    rl.on("SIGINT", () => rl.close());
    rl.on("line", (raw) => {
      queue = queue.then(async () => {
        if (!tty && raw.trim()) process.stdout.write(`${USER}${raw.trim()}\n`);
        const line = raw.trim();
        if (line === "") return void prompt();
        if (line === "/quit" || line === "/exit") return void rl.close();
        if (line === "/help") {
          console.log([CHAT_COMMANDS, ...(adapter.help ? [adapter.help] : [])].join("\n"));
          return void prompt();
        }
        if (line === "/raw") {
          http.on = !http.on;
          console.log(`— raw HTTP ${http.on ? "shown after each turn" : "hidden"} —`);
          return void prompt();
        }
        busy = true;
        http.taken();
        try {
          if (line === "/handback") {
            console.log(`— ${await handBack(target, adapter.platform, id)} —`);
          } else if (line === "/new") {
            id = `chat-${runNonce().slice(0, 6)}`;
            await begin();
          } else {
            const input = toInput(line, choices);
            if (input.kind === "choice") console.log(`     → ${input.choice.label}`);
            show(await adapter.send(input), true);
          }
        } catch (err) {
          report(err);
        } finally {
          busy = false;
        }
        if (http.on) for (const text of rawLines(http.taken())) console.log(text);
        prompt();
      });
    });
  });

  function report(err: unknown): void {
    if (err instanceof StackUnreachable) console.log(`— ${err.message} —`);
    else throw err;
  }
}

async function main(argv: string[]): Promise<number> {
  const { values, positionals } = parseArgs({ args: argv, allowPositionals: true, options: OPTIONS });
  if (values.help) {
    console.log(HELP);
    return 0;
  }
  const platform = chatPlatform(positionals[0] ?? "");
  if (positionals[0] && missingAdapters().includes(positionals[0])) throw new ChatError(`${positionals[0]} is registered, but the chat has no adapter for it yet (scripts/chat/)`);
  if (!platform || positionals.length > 1) throw new ChatError(positionals[0] ? `unknown platform "${positionals[0]}"\n${USAGE}` : USAGE);
  const waitMs = Number(values.wait ?? 10_000);
  if (!Number.isFinite(waitMs) || waitMs <= 0) throw new ChatError(`--wait must be milliseconds, got "${values.wait}"`);

  if (values.channel !== undefined && platform !== "bm") throw new ChatError("--channel is for Business Messenger (bm) only");
  const user: ChatUser = { name: values.name?.trim() || DEFAULT_USER.name, locale: values.locale?.trim() || DEFAULT_USER.locale };

  const target = resolveTarget(values.url, waitMs);
  const exchanges: Exchange[] = [];
  target.record = (e) => exchanges.push(e);
  const http: RawView = { on: values.raw, taken: () => exchanges.splice(0) };
  const adapter = ADAPTERS[platform]!(target, values.channel, user);
  try {
    if (!(await reachable(target.baseUrl))) throw new StackUnreachable(target.baseUrl);
    await adapter.open?.();
    if (values.replay !== undefined) await replay(adapter, values.replay, values.conversation, target, http);
    else {
      console.log(`Chatting as a ${adapter.title} user with the local stack at ${target.baseUrl}.`);
      await interactive(adapter, values.conversation, target, http);
    }
  } finally {
    await adapter.close?.();
    target.store?.close();
  }
  return 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.stdout.write("", () => process.exit(code)),
    (err: unknown) => {
      const known = err instanceof ChatError || err instanceof StackUnreachable || err instanceof OutboundPortError || (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS");
      process.stderr.write(`${known ? (err as Error).message : `chat: unexpected error: ${(err as Error)?.message ?? err}`}\n`, () => process.exit(1));
    },
  );
}
