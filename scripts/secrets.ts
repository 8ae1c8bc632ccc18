/**
 * `npm run secrets -- <command>`: a deployed stage's settings in AWS Secrets Manager, one secret per platform
 * (`onebot/<stage>/<id>`, a JSON object of setting names to values; lib/deployment/stage-secrets.ts).
 *   set <id> NAME=value [NAME=value …] --stage s   create the secret or merge the names into it
 *   unset <id> NAME [NAME …] --stage s             remove names from it
 *   list --stage s                                 each secret: does it exist, which names it holds (never a value)
 * `--region r` (default eu-central-1, as serverless.yml's). `NAME=-` reads the value from the terminal (hidden) or
 * stdin, so it stays out of shell history: one `-` takes all of stdin, several take one line each, in order.
 * No value is ever printed. Exit codes: 0 done, 1 AWS refused or failed, 2 bad command line.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import {
  CreateSecretCommand,
  GetSecretValueCommand,
  ListSecretsCommand,
  PutSecretValueCommand,
  ResourceNotFoundException,
  SecretsManagerClient,
  type SecretListEntry,
} from "@aws-sdk/client-secrets-manager";
import { ConfigError, readSettings } from "../lib/config";
import { AI_SECRET, secretIds, secretKeys, secretName } from "../lib/deployment/stage-secrets";
import { platforms } from "../lib/platforms/registry";

export const DEFAULT_REGION = "eu-central-1";
/** serverless.yml's `service:`, the first part of every secret's name. */
export const SERVICE = /^service:\s*(\S+)\s*$/m.exec(readFileSync(join(__dirname, "..", "serverless.yml"), "utf8"))?.[1] ?? "onebot";

export const USAGE = `usage: npm run secrets -- set <id> NAME=value [NAME=value …] --stage <stage> [--region <region>]
       npm run secrets -- unset <id> NAME [NAME …] --stage <stage> [--region <region>]
       npm run secrets -- list --stage <stage> [--region <region>]
  <id>: ${secretIds.join(", ")} (secret ${SERVICE}/<stage>/<id>)
  NAME=- reads the value from the terminal or stdin (one line per such name), so it stays out of shell history
  --region defaults to ${DEFAULT_REGION}, serverless.yml's region; values are never printed`;

/** A bad command line: exit code 2 and the message. */
export class UsageError extends Error {}

export type Assignment = { name: string; value: string } | { name: string; fromStdin: true };
export type SecretsCommand =
  | { command: "help" }
  | { command: "set"; id: string; assignments: Assignment[]; stage: string; region: string }
  | { command: "unset"; id: string; names: string[]; stage: string; region: string }
  | { command: "list"; stage: string; region: string };

const NAME = /^[A-Z][A-Z0-9_]*$/;

/** Parses and checks a command line (the arguments after `--`) without running it: ids, names and options. */
export function parseSecretsArgs(argv: readonly string[]): SecretsCommand {
  const positionals: string[] = [];
  const options: Record<string, string> = {};
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i]!;
    if (arg === "--help" || arg === "-h") return { command: "help" };
    if (arg.startsWith("-") && arg !== "-") {
      const [flag, inline] = arg.startsWith("--") && arg.includes("=") ? [arg.slice(0, arg.indexOf("=")), arg.slice(arg.indexOf("=") + 1)] : [arg, undefined];
      if (flag !== "--stage" && flag !== "--region") throw new UsageError(`unknown option ${flag}: use --stage, --region or --help`);
      const value = inline ?? argv[++i];
      if (value === undefined || value === "" || value.startsWith("-")) throw new UsageError(`${flag} needs a value`);
      if (options[flag] !== undefined) throw new UsageError(`${flag} is given twice`);
      options[flag] = value;
    } else positionals.push(arg);
  }
  const [command, ...rest] = positionals;
  if (!command) throw new UsageError(`no command\n${USAGE}`);
  if (command !== "set" && command !== "unset" && command !== "list") throw new UsageError(`unknown command "${command}": use set, unset or list\n${USAGE}`);

  const stage = options["--stage"];
  if (!stage) throw new UsageError(`${command} needs --stage <stage> (e.g. --stage prod)`);
  if (!/^[A-Za-z0-9-]+$/.test(stage)) throw new UsageError(`invalid stage "${stage}": letters, digits and hyphens`);
  if (stage === "local") throw new UsageError(`stage "local" (npm start) reads its settings from the shell, not from Secrets Manager`);
  const region = options["--region"] ?? DEFAULT_REGION;
  if (!/^[a-z]{2}(-[a-z]+)+-\d+$/.test(region)) throw new UsageError(`invalid region "${region}" (e.g. ${DEFAULT_REGION})`);

  if (command === "list") {
    if (rest.length) throw new UsageError(`list takes no arguments, got "${rest.join(" ")}"`);
    return { command, stage, region };
  }
  const [id, ...items] = rest;
  if (!id) throw new UsageError(`${command} needs a secret id: ${secretIds.join(", ")}`);
  if (!secretIds.includes(id)) throw new UsageError(`unknown secret id "${id}": use ${secretIds.join(", ")}`);
  const allowed = secretKeys(id);
  const checkName = (name: string) => {
    if (!NAME.test(name)) throw new UsageError(`"${name}" is not a setting name (NAME${command === "set" ? "=value" : ""}, upper case)`);
    if (!allowed.includes(name)) throw new UsageError(`secret "${id}" cannot hold ${name}: it holds ${allowed.join(", ")}`);
  };
  const seen = new Set<string>();
  const once = (name: string) => {
    if (seen.has(name)) throw new UsageError(`${name} is given twice`);
    seen.add(name);
  };
  if (items.length === 0) throw new UsageError(`${command} ${id} needs at least one ${command === "set" ? "NAME=value" : "NAME"}: ${allowed.join(", ")}`);

  if (command === "unset") {
    for (const name of items) {
      // Never echo what follows `=`: it may be a value typed by mistake.
      if (name.includes("=")) throw new UsageError(`unset takes names only, not NAME=value ("${name.slice(0, name.indexOf("="))}=…")`);
      checkName(name);
      once(name);
    }
    return { command, id, names: items, stage, region };
  }
  const assignments = items.map((item): Assignment => {
    const eq = item.indexOf("=");
    if (eq < 0) throw new UsageError(`"${item}" is not NAME=value (use NAME=- to type the value)`);
    const name = item.slice(0, eq);
    const value = item.slice(eq + 1);
    checkName(name);
    once(name);
    if (value === "") throw new UsageError(`${name} has an empty value: to remove it use \`unset ${id} ${name}\``);
    return value === "-" ? { name, fromStdin: true } : { name, value };
  });
  return { command, id, assignments, stage, region };
}

/** What main talks through: tests inject all of it. */
export interface SecretsIo {
  out(line: string): void;
  err(line: string): void;
  /** The values of `NAME=-`, in order: from the terminal (hidden) or stdin. */
  readValues(names: readonly string[]): Promise<string[]>;
  client(region: string): Pick<SecretsManagerClient, "send">;
}

/** Runs a command line; resolves to the exit code. Nothing it prints holds a value. */
export async function main(argv: readonly string[], io: SecretsIo = processIo()): Promise<number> {
  let command: SecretsCommand;
  try {
    command = parseSecretsArgs(argv);
  } catch (err) {
    if (!(err instanceof UsageError)) throw err;
    io.err(`secrets: ${err.message}`);
    return 2;
  }
  if (command.command === "help") {
    io.out(USAGE);
    return 0;
  }
  try {
    if (command.command === "list") await list(command, io);
    else if (command.command === "set") {
      const stdinNames = command.assignments.filter((a) => "fromStdin" in a).map((a) => a.name);
      const typed = stdinNames.length ? await io.readValues(stdinNames) : [];
      const values = new Map<string, string>();
      for (const a of command.assignments) values.set(a.name, "value" in a ? a.value : typed[stdinNames.indexOf(a.name)]!);
      for (const [name, value] of values) if (value === "") throw new UsageError(`${name} read an empty value: nothing was changed`);
      await set(command, values, io);
    } else await unset(command, io);
    return 0;
  } catch (err) {
    io.err(`secrets: ${describeError(err)}`);
    return err instanceof UsageError ? 2 : 1;
  }
}

// ---- commands ----

type Client = Pick<SecretsManagerClient, "send">;

/** The secret's JSON object, or undefined when there is no such secret. */
async function read(client: Client, name: string): Promise<Record<string, string> | undefined> {
  try {
    const { SecretString } = await client.send(new GetSecretValueCommand({ SecretId: name }));
    return parseObject(SecretString, name);
  } catch (err) {
    if (err instanceof ResourceNotFoundException) return undefined;
    throw err;
  }
}

/** A secret's JSON object of strings; the message never quotes its text (JSON.parse's would). */
function parseObject(text: string | undefined, name: string): Record<string, string> {
  let parsed: unknown;
  try {
    parsed = JSON.parse(text ?? "");
  } catch {
    throw new ToolFailure(`${name} does not hold a JSON object (not JSON): fix or delete it in the AWS console; nothing was changed`);
  }
  if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) throw new ToolFailure(`${name} does not hold a JSON object: nothing was changed`);
  const bad = Object.entries(parsed).filter(([, v]) => typeof v !== "string").map(([k]) => k);
  if (bad.length) throw new ToolFailure(`${name}: ${bad.join(", ")} ${bad.length === 1 ? "is not a string" : "are not strings"}: nothing was changed`);
  return parsed as Record<string, string>;
}

async function set(command: Extract<SecretsCommand, { command: "set" }>, values: Map<string, string>, io: SecretsIo): Promise<void> {
  const name = secretName(SERVICE, command.stage, command.id);
  const client = io.client(command.region);
  const current = await read(client, name);
  const merged = { ...current, ...Object.fromEntries(values) };
  const invalid = invalidSettings(command.id, merged, values);
  if (invalid.length) throw new UsageError(`refused, the stage would reject ${invalid.length === 1 ? "this value" : "these values"}: ${invalid.join("; ")}; nothing was changed`);
  const SecretString = JSON.stringify(merged);
  if (current === undefined) {
    await client.send(new CreateSecretCommand({ Name: name, SecretString, Description: `${SERVICE} stage ${command.stage}: settings of ${command.id} (npm run secrets)` }));
    io.out(`created ${name} (${command.region}) with ${[...values.keys()].join(", ")}`);
  } else {
    await client.send(new PutSecretValueCommand({ SecretId: name, SecretString }));
    io.out(`updated ${name} (${command.region}): set ${[...values.keys()].join(", ")}; it holds ${Object.keys(merged).sort().join(", ")}`);
  }
  const lacking = requiredOf(command.id).filter((n) => !(n in merged));
  if (lacking.length) io.out(`still missing before ${command.id} answers requests: ${lacking.join(", ")}`);
  io.out(`functions read it within their cache time (secretsTtlSeconds, 300 s by default); no redeploy needed`);
}

async function unset(command: Extract<SecretsCommand, { command: "unset" }>, io: SecretsIo): Promise<void> {
  const name = secretName(SERVICE, command.stage, command.id);
  const client = io.client(command.region);
  const current = await read(client, name);
  if (current === undefined) throw new ToolFailure(`there is no secret ${name} in ${command.region}: nothing to unset`);
  const absent = command.names.filter((n) => !(n in current));
  const remaining = Object.fromEntries(Object.entries(current).filter(([k]) => !command.names.includes(k)));
  if (absent.length === command.names.length) {
    io.out(`${name} (${command.region}) holds none of ${command.names.join(", ")}: nothing changed`);
    return;
  }
  await client.send(new PutSecretValueCommand({ SecretId: name, SecretString: JSON.stringify(remaining) }));
  const removed = command.names.filter((n) => !absent.includes(n));
  io.out(`updated ${name} (${command.region}): removed ${removed.join(", ")}${absent.length ? ` (${absent.join(", ")} ${absent.length === 1 ? "was" : "were"} not set)` : ""}; it holds ${Object.keys(remaining).sort().join(", ") || "nothing"}`);
}

async function list(command: Extract<SecretsCommand, { command: "list" }>, io: SecretsIo): Promise<void> {
  const client = io.client(command.region);
  const prefix = secretName(SERVICE, command.stage, "");
  const entries: SecretListEntry[] = [];
  let NextToken: string | undefined;
  do {
    const page = await client.send(new ListSecretsCommand({ Filters: [{ Key: "name", Values: [prefix] }], NextToken }));
    entries.push(...(page.SecretList ?? []));
    NextToken = page.NextToken;
  } while (NextToken);
  const existing = new Set(entries.filter((e) => e.DeletedDate === undefined).map((e) => e.Name));
  io.out(`secrets of stage ${command.stage} in ${command.region} (${prefix}<id>):`);
  const width = Math.max(...secretIds.map((id) => id.length));
  for (const id of secretIds) {
    const name = secretName(SERVICE, command.stage, id);
    const required = requiredOf(id);
    if (!existing.has(name)) {
      io.out(`  ${id.padEnd(width)}  missing${required.length ? `   (needs ${required.join(", ")})` : ""}`);
      continue;
    }
    const held = Object.keys((await read(client, name)) ?? {}).sort();
    const allowed = secretKeys(id);
    const unknown = held.filter((n) => !allowed.includes(n));
    const lacking = required.filter((n) => !held.includes(n));
    const notes = [unknown.length ? `not read by the functions: ${unknown.join(", ")}` : "", lacking.length ? `missing required: ${lacking.join(", ")}` : ""].filter(Boolean);
    io.out(`  ${id.padEnd(width)}  exists    ${held.filter((n) => allowed.includes(n)).join(", ") || "(no names)"}${notes.length ? `   [${notes.join("; ")}]` : ""}`);
  }
  const others = [...existing].filter((n) => n !== undefined && !secretIds.some((id) => secretName(SERVICE, command.stage, id) === n));
  if (others.length) io.out(`  other secrets under ${prefix}: ${others.join(", ")}`);
}

/** What a deployed platform refuses requests without: its secrets and its endpoints' `requires`; AI is optional. */
function requiredOf(id: string): readonly string[] {
  const platform = platforms.find((p) => p.id === id);
  if (!platform) return [];
  return [...new Set([...platform.secrets, ...Object.values(platform.endpoints).flatMap((e) => e.requires ?? [])])];
}

/**
 * `NAME: reason` for each value a deployed stage would reject (the same readers the functions use). Reasons come
 * from the schema, but any value text in them is masked all the same.
 */
function invalidSettings(id: string, merged: Record<string, string>, changed: Map<string, string>): string[] {
  let issues: string[];
  if (id === AI_SECRET) {
    try {
      readSettings({ ...merged, BOT_STAGE: "deployed" }); // any stage but "local": no local defaults
      issues = [];
    } catch (err) {
      if (!(err instanceof ConfigError)) throw err;
      issues = err.message.replace(/^invalid settings: /, "").split("; ");
    }
  } else {
    const platform = platforms.find((p) => p.id === id)!;
    issues = [...platform.settings({ env: merged, settings: { isLocal: false } }).invalid];
  }
  const mask = (text: string) => [...changed.values(), ...Object.values(merged)].reduce((t, v) => (v.length >= 3 ? t.split(v).join("…") : t), text);
  return issues.map(mask);
}

// ---- errors ----

/** A refusal of ours that is not a usage error: exit code 1, the message as is. */
class ToolFailure extends Error {}

function describeError(err: unknown): string {
  if (err instanceof UsageError || err instanceof ToolFailure) return err.message;
  const e = err as { name?: string; message?: string };
  if (e?.name === "CredentialsProviderError") return `no AWS credentials: configure them (aws configure, AWS_PROFILE, SSO or environment variables)`;
  // AWS's messages name secrets and operations, never values.
  return `AWS refused: ${e?.name ?? "Error"}: ${e?.message ?? String(err)}`;
}

// ---- the real process ----

function processIo(): SecretsIo {
  return {
    out: (line) => void process.stdout.write(`${line}\n`),
    err: (line) => void process.stderr.write(`${line}\n`),
    readValues: (names) => (process.stdin.isTTY ? promptHidden(names) : readStdin(names)),
    client: (region) => new SecretsManagerClient({ region }),
  };
}

/** Piped stdin: all of it for one name (one trailing newline dropped), else exactly one line per name. */
async function readStdin(names: readonly string[]): Promise<string[]> {
  const chunks: Buffer[] = [];
  for await (const chunk of process.stdin) chunks.push(chunk as Buffer);
  return splitStdin(Buffer.concat(chunks).toString("utf8"), names);
}

export function splitStdin(text: string, names: readonly string[]): string[] {
  if (names.length === 1) return [text.replace(/\r?\n$/, "")];
  const lines = text.replace(/\r?\n$/, "").split(/\r?\n/);
  if (lines.length !== names.length) throw new UsageError(`stdin has ${lines.length} line${lines.length === 1 ? "" : "s"} for ${names.length} values (${names.join(", ")}): give one line per NAME=-, in order`);
  return lines;
}

/** Asks for each value on the terminal without echoing it. */
async function promptHidden(names: readonly string[]): Promise<string[]> {
  const values: string[] = [];
  const stdin = process.stdin;
  stdin.setRawMode(true);
  stdin.setEncoding("utf8");
  try {
    for (const name of names) {
      process.stderr.write(`${name} (input hidden): `);
      values.push(
        await new Promise<string>((resolve, reject) => {
          let value = "";
          const onData = (chunk: string) => {
            for (const ch of chunk) {
              if (ch === "\r" || ch === "\n") {
                stdin.off("data", onData);
                process.stderr.write("\n");
                return resolve(value);
              }
              if (ch === "\u0003") {
                stdin.off("data", onData);
                return reject(new UsageError("cancelled: nothing was changed"));
              }
              if (ch === "\u007f" || ch === "\b") value = value.slice(0, -1);
              else value += ch;
            }
          };
          stdin.on("data", onData);
          stdin.resume();
        }),
      );
    }
  } finally {
    stdin.setRawMode(false);
    stdin.pause();
  }
  return values;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => (process.exitCode = code),
    (err: unknown) => {
      process.stderr.write(`secrets: unexpected error: ${(err as Error)?.message ?? err}\n`);
      process.exitCode = 1;
    },
  );
}
