/**
 * `npm run sessions -- <command>`: what the bot stored, readable.
 *   list [--platform p] [--limit n]        conversations, newest first
 *   show <conversation> [--history n]      one session: state, handover, namespaces, history, processed ids
 *   events <conversation> [--limit n]      its events; `events debug` = BM debug reports, `events dead-letter` = failed jobs
 * <conversation> is `conv#bm#id`, `bm#id` or a bare id (every platform is searched). `--json` prints machine
 * output. The store is the running `npm start`'s (.local/stack.json), else AWS_ENDPOINT_URL_DYNAMODB, else AWS;
 * `--stage s` reads the deployed tables onebot-<s>-sessions / -events (SESSIONS_TABLE / EVENTS_TABLE override).
 */
import { parseArgs } from "node:util";
import { platforms } from "../lib/platforms/registry";
import type { EventRecord } from "../lib/session/events";
import type { Session } from "../lib/session/session";
import { describeTarget, ReadStore, resolveStoreTarget, ToolError } from "./sessions/store";
import { newestSessions, sessionRow } from "./studio/inspect";

/** The registered platforms that hold conversations of their own (a desk such as LivePerson holds none). */
export const PLATFORMS: readonly string[] = platforms.filter((p) => p.role === "channel").map((p) => p.id);
const STREAMS: Record<string, string> = { debug: "platform#bm#debug", "dead-letter": "jobs#dead-letter" };

const USAGE = `usage: npm run sessions -- list [--platform p] [--limit n] | show <conversation> [--history n] | events <conversation|debug|dead-letter> [--limit n]
  options: --json (machine output), --stage <s> (deployed tables onebot-<s>-*)
  <conversation>: conv#bm#<id>, bm#<id> or a bare id`;

interface Options {
  json: boolean;
  limit?: number;
  history: number;
  platform?: string;
}

async function main(argv: string[]): Promise<void> {
  const { values, positionals } = parseArgs({
    args: argv,
    allowPositionals: true,
    options: {
      json: { type: "boolean", default: false },
      limit: { type: "string" },
      history: { type: "string" },
      platform: { type: "string" },
      stage: { type: "string" },
      help: { type: "boolean", short: "h", default: false },
    },
  });
  const [command, target] = positionals;
  if (values.help || !command) {
    console.log(USAGE);
    return;
  }
  const number = (name: string, raw: string | undefined): number | undefined => {
    if (raw === undefined) return undefined;
    const n = Number(raw);
    if (!Number.isInteger(n) || n < 1) throw new ToolError(`--${name} must be a positive whole number, got "${raw}"`);
    return n;
  };
  const options: Options = {
    json: values.json,
    limit: number("limit", values.limit),
    history: number("history", values.history) ?? 20,
    ...(values.platform ? { platform: values.platform } : {}),
  };
  if (options.platform && !(PLATFORMS as readonly string[]).includes(options.platform)) {
    throw new ToolError(`unknown platform "${options.platform}": use ${PLATFORMS.join(", ")}`);
  }
  if ((command === "show" || command === "events") && !target) throw new ToolError(`${command} needs a conversation\n${USAGE}`);
  if (!["list", "show", "events"].includes(command)) throw new ToolError(`unknown command "${command}"\n${USAGE}`);

  const store = new ReadStore(resolveStoreTarget(values.stage ? { stage: values.stage } : {}));
  try {
    if (command === "list") await list(store, options);
    else if (command === "show") await show(store, target!, options);
    else await events(store, target!, options);
  } finally {
    store.close();
  }
}

// ---- list ----

async function list(store: ReadStore, options: Options): Promise<void> {
  const { newest: items, total } = await newestSessions(store, options.platform, options.limit ?? 50);
  if (options.json) {
    return void console.log(JSON.stringify(items.map(sessionRow), null, 2));
  }
  if (items.length === 0) {
    return void console.log(`no conversations${options.platform ? ` on ${options.platform}` : ""} in ${store.target.tables.sessions} at ${describeTarget(store.target)}`);
  }
  const rows = items.map((s) => [
    `${s.platform}#${s.conversationId}`,
    String(s.version),
    time(s.updatedAt),
    s.state ?? "-",
    handoverLine(s.handover),
    String(s.history?.filter((h) => h.role === "user").length ?? 0),
  ]);
  table(["CONVERSATION", "VERSION", "UPDATED (UTC)", "STATE", "HANDOVER", "TURNS"], rows);
  if (total > items.length) console.log(`… ${total - items.length} more (--limit)`);
}

// ---- show ----

/** conv#p#id, p#id, or a bare id looked up on every platform. */
async function findSession(store: ReadStore, ref: string): Promise<Session> {
  const candidates = sessionKeys(ref);
  const found = (await Promise.all(candidates.map((pk) => store.getSession(pk)))).filter((s): s is Session => s !== undefined);
  if (found.length === 1) return found[0]!;
  if (found.length > 1) throw new ToolError(`"${ref}" is ambiguous: ${found.map((s) => `${s.platform}#${s.conversationId}`).join(", ")}; name the platform`);
  throw new ToolError(`no session ${candidates.length === 1 ? candidates[0] : `for "${ref}" on ${PLATFORMS.join(", ")}`} in ${store.target.tables.sessions} at ${describeTarget(store.target)}`);
}

export function sessionKeys(ref: string): string[] {
  if (ref.startsWith("conv#")) return [ref];
  const hash = ref.indexOf("#");
  if (hash > 0 && (PLATFORMS as readonly string[]).includes(ref.slice(0, hash))) return [`conv#${ref}`];
  return PLATFORMS.map((p) => `conv#${p}#${ref}`);
}

async function show(store: ReadStore, ref: string, options: Options): Promise<void> {
  const s = await findSession(store, ref);
  if (options.json) return void console.log(JSON.stringify(s, null, 2));
  const out: string[] = [];
  out.push(`${s.platform}#${s.conversationId}   (item ${s.pk} in ${store.target.tables.sessions})`);
  const field = (name: string, value: string | undefined) => value !== undefined && out.push(`  ${name.padEnd(13)} ${value}`);
  field("version", String(s.version));
  field("created", time(s.createdAt));
  field("updated", time(s.updatedAt));
  field("expires", s.expiresAt ? time(s.expiresAt * 1000) : undefined);
  field("user", s.userId);
  field("channel", s.channel);
  field("dialog state", s.state ?? "(none: the bot's default state)");
  field("handover", handoverLine(s.handover, true));
  if (s.human) field("human side", `${s.human.provider} ${s.human.conversationId ? `conversation ${s.human.conversationId}` : "(no open conversation)"}`);
  if (s.ai) field("AI use", `${s.ai.calls} answer${s.ai.calls === 1 ? "" : "s"}, ${s.ai.promptTokens} prompt + ${s.ai.completionTokens} completion tokens${s.ai.model ? ` (${s.ai.model})` : ""}`);
  if (s.lastSuggestions?.length) field("suggestions", s.lastSuggestions.map((o, i) => `[${i + 1}] ${o.text} → ${o.postback}`).join("  "));

  const namespaces = Object.entries(s.namespaces ?? {});
  out.push("", namespaces.length ? "namespaces:" : "namespaces: (none)");
  for (const [name, data] of namespaces) out.push(indent(`${name}: ${JSON.stringify(data, null, 2)}`, "  "));

  const history = s.history ?? [];
  const shown = history.slice(-options.history);
  out.push("", history.length === 0 ? "history: (empty)" : `history (${shown.length === history.length ? `${history.length} entries` : `last ${shown.length} of ${history.length} entries`}):`);
  for (const h of shown) out.push(indent(`${h.role}: ${h.text}`, "  ", " ".repeat(h.role.length + 2)));

  const processed = s.processed ?? [];
  out.push("", `processed message ids (${processed.length}; "#…" is a digest, kept for an id whose answer is not):`);
  for (const p of processed) out.push(`  ${p.id}${p.messages ? `  (${p.messages.length} message${p.messages.length === 1 ? "" : "s"})` : ""}`);
  console.log(out.join("\n"));
}

// ---- events ----

async function eventKey(store: ReadStore, ref: string): Promise<string> {
  if (STREAMS[ref]) return STREAMS[ref];
  if (/^(conv|platform|jobs)#/.test(ref)) return ref;
  const keys = sessionKeys(ref);
  if (keys.length === 1) return keys[0]!;
  // A bare id: the conversation whose session exists, else the one partition with events.
  const sessions = (await Promise.all(keys.map((pk) => store.getSession(pk)))).flatMap((s) => (s ? [s.pk] : []));
  if (sessions.length === 1) return sessions[0]!;
  const withEvents = [];
  for (const pk of keys) if ((await store.events(pk, 1)).length) withEvents.push(pk);
  if (withEvents.length === 1) return withEvents[0]!;
  if (withEvents.length > 1 || sessions.length > 1) throw new ToolError(`"${ref}" is ambiguous: ${(sessions.length > 1 ? sessions : withEvents).join(", ")}; name the platform`);
  throw new ToolError(`no conversation "${ref}" on ${PLATFORMS.join(", ")} in ${store.target.tables.sessions} at ${describeTarget(store.target)}`);
}

async function events(store: ReadStore, ref: string, options: Options): Promise<void> {
  const pk = await eventKey(store, ref);
  const records = await store.events(pk, options.limit ?? 50);
  if (options.json) return void console.log(JSON.stringify(records, null, 2));
  if (records.length === 0) return void console.log(`no events for ${pk} in ${store.target.tables.events}`);
  console.log(`events for ${pk} (${records.length}, oldest first):`);
  for (const e of records) console.log(eventLine(e));
}

function eventLine(e: EventRecord): string {
  const data = e.data === undefined ? "" : JSON.stringify(e.data);
  return `  ${time(e.at)}  ${e.type}${e.conversationId && !e.pk.endsWith(`#${e.conversationId}`) ? `  [${e.platform}#${e.conversationId}]` : ""}${data ? `\n${indent(data, "      ")}` : ""}`;
}

// ---- formatting ----

function time(ms: number | undefined): string {
  if (typeof ms !== "number" || !Number.isFinite(ms)) return "-";
  return new Date(ms).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z");
}

function handoverLine(h: Session["handover"] | undefined, long = false): string {
  if (!h || h.status === "bot") return "bot";
  if (!long) return "human";
  const parts = [`human since ${time(h.since)}`];
  if (h.until) parts.push(`until ${time(h.until)}`);
  if (h.reason) parts.push(`reason "${h.reason}"`);
  if (h.target) parts.push(`target ${h.target}`);
  return parts.join(", ");
}

/** Every line of `text` prefixed; continuation lines of a first line get `hanging` extra. */
function indent(text: string, prefix: string, hanging = ""): string {
  return text
    .split("\n")
    .map((line, i) => (i === 0 ? prefix + line : prefix + hanging + line))
    .join("\n");
}

function table(header: string[], rows: string[][]): void {
  const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => r[i]!.length)));
  const line = (cells: string[]) => cells.map((c, i) => (i === 1 || i === cells.length - 1 ? c.padStart(widths[i]!) : c.padEnd(widths[i]!))).join("  ").trimEnd();
  console.log(line(header));
  for (const r of rows) console.log(line(r));
}

if (require.main === module) {
  main(process.argv.slice(2)).catch((err: unknown) => {
    const message = err instanceof ToolError || (err as { code?: string }).code?.startsWith("ERR_PARSE_ARGS") ? (err as Error).message : `unexpected error: ${(err as Error)?.message ?? err}`;
    console.error(`sessions: ${message}`);
    process.exitCode = 1;
  });
}
