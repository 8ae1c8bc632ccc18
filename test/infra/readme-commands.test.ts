import { readFileSync } from "node:fs";
import { join } from "node:path";
import { load } from "js-yaml";
import { secretIds, secretKeys } from "../../lib/deployment/stage-secrets";
import { platforms } from "../../lib/platforms/registry";
import { parseSecretsArgs, UsageError } from "../../scripts/secrets";

/**
 * Every command README.md tells people to paste must run as written: the shell must see each command whole (a
 * missing trailing `\` once dropped the rest of a deploy command without a word), the npm scripts must exist,
 * `npm run secrets` must accept its arguments, `serverless` must know the command and flags and never be handed a
 * secret, and `aws secretsmanager` must name the secrets the functions read.
 */
const ROOT = join(__dirname, "..", "..");
const SERVICE = "onebot";

const scripts = Object.keys((JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8")) as { scripts: Record<string, string> }).scripts);
const serverlessYml = readFileSync(join(ROOT, "serverless.yml"), "utf8");
/** The stage parameters serverless.yml reads (`${param:…}` and params.default). */
const stageParams = [
  ...new Set([...serverlessYml.matchAll(/\$\{param:(\w+)/g)].map((m) => m[1]!).concat(Object.keys((load(serverlessYml) as { params?: { default?: object } }).params?.default ?? {}))),
];
/** Every setting a stage secret holds: none of them may reach a serverless command. */
const settingNames = new Set(secretIds.flatMap((id) => secretKeys(id)));
/** The ones that are credentials: a README command never shows one's value (it would land in shell history). */
const credentialNames = new Set([...platforms.flatMap((p) => p.secrets), ...[...settingNames].filter((n) => /SECRET|TOKEN|PASSWORD|_KEY$/.test(n))]);

// ---- extraction ----

interface Block {
  /** Line number of the block's first content line in the markdown. */
  line: number;
  lang: string;
  lines: string[];
}

const SHELL_LANGS = ["bash", "sh", "shell", "console", "zsh"];
/** First words that make an untagged block's line a command. */
const COMMAND_WORDS = ["npm", "npx", "node", "serverless", "sls", "aws", "curl", "git", "cd", "export", "docker", "java", "tsx", "jest", "echo", "printf", "openssl", "cat", "rm", "mkdir", "unzip", "sudo", "apt", "apt-get", "brew", "kill"];

/** A line's first word once a `$ ` prompt and leading VAR=value assignments are set aside. */
const firstWord = (line: string): string | undefined =>
  line
    .replace(/^\s*\$\s+/, "")
    .trim()
    .split(/\s+/)
    .find((word) => !/^[A-Za-z_][A-Za-z0-9_]*=/.test(word));

/** Fenced blocks meant for a shell: tagged bash/sh/shell/console, or untagged with mostly command lines. */
function commandBlocks(markdown: string): Block[] {
  const blocks: Block[] = [];
  const lines = markdown.split("\n");
  for (let i = 0; i < lines.length; i++) {
    const open = /^(\s*)(`{3,}|~{3,})\s*([\w+-]*)/.exec(lines[i]!);
    if (!open) continue;
    const fence = open[2]!;
    const body: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !lines[j]!.trim().startsWith(fence); j++) body.push(lines[j]!);
    const lang = open[3]!.toLowerCase();
    const content = body.filter((l) => l.trim() && !l.trim().startsWith("#"));
    const looksLikeCommands = lang === "" && content.length > 0 && content.filter((l) => COMMAND_WORDS.includes(firstWord(l) ?? "")).length * 2 >= content.length;
    if (SHELL_LANGS.includes(lang) || looksLikeCommands) blocks.push({ line: i + 2, lang: lang || "untagged", lines: body });
    i = j;
  }
  return blocks;
}

/** Inline code spans that are commands (`npx serverless info --stage prod`): checked for names, not completeness. */
function inlineCommands(markdown: string): Array<{ line: number; text: string }> {
  const found: Array<{ line: number; text: string }> = [];
  let inFence = false;
  markdown.split("\n").forEach((text, i) => {
    if (/^\s*(`{3,}|~{3,})/.test(text)) inFence = !inFence;
    if (inFence) return;
    for (const m of text.matchAll(/(?<!`)`([^`]+)`(?!`)/g)) {
      if (/^(npm (run|start|test|ci)\b|npx (serverless|sls)\b|serverless |sls |aws secretsmanager )/.test(m[1]!)) found.push({ line: i + 1, text: m[1]! });
    }
  });
  return found;
}

// ---- the shell's view ----

/**
 * Where the shell would cut a block: lines that begin with an option or are indented must continue the line before
 * (a trailing `\`, or an open quote); a `\` followed by spaces or by a blank line continues nothing.
 */
function continuationProblems(block: Block): string[] {
  const problems: string[] = [];
  let continued = false;
  let quote: string | undefined;
  block.lines.forEach((raw, index) => {
    const at = `line ${block.line + index}`;
    const line = block.lang === "console" && !continued ? raw.replace(/^\$ /, "") : raw;
    if (block.lang === "console" && !continued && !raw.startsWith("$ ")) return; // output
    if (!line.trim()) {
      if (continued && !quote) problems.push(`${at}: blank line after a trailing \`\\\`: the command ends at the \`\\\``);
      continued = Boolean(quote);
      return;
    }
    const trimmed = line.trim();
    if (!continued && !trimmed.startsWith("#") && (/^\s+\S/.test(line) || /^-/.test(trimmed))) {
      problems.push(`${at}: \`${trimmed.slice(0, 40)}\` ${/^-/.test(trimmed) ? "starts with an option" : "is indented"} but the line before does not end in \`\\\`: the shell runs it as a command of its own`);
    }
    // Follow quotes to the end of the line (a comment starts at an unquoted `#` after a space).
    let escaped = false;
    let comment = false;
    for (let k = 0; k < line.length && !comment; k++) {
      const ch = line[k]!;
      if (escaped) escaped = false;
      else if (quote === "'") quote = ch === "'" ? undefined : quote;
      else if (ch === "\\") escaped = true;
      else if (quote === '"') quote = ch === '"' ? undefined : quote;
      else if (ch === "'" || ch === '"') quote = ch;
      else if (ch === "#" && (k === 0 || /\s/.test(line[k - 1]!))) comment = true;
    }
    if (!quote && !comment && /\\\s+$/.test(line)) problems.push(`${at}: spaces after the trailing \`\\\`: it escapes a space and the next line is a command of its own`);
    continued = Boolean(quote) || (!comment && /\\$/.test(line));
  });
  if (continued && !quote) problems.push(`line ${block.line + block.lines.length - 1}: the block ends with a trailing \`\\\``);
  return problems;
}

/** One command as the shell would run it: its first line and its words, quotes removed. */
interface Command {
  line: number;
  words: string[];
  /** Its text with continuations joined, for messages. */
  text: string;
}

/** The commands of a block: continuation lines joined, split at `&&`, `||`, `;`, `|` (outside quotes and `$(…)`). */
function blockCommands(block: Block): Command[] {
  const commands: Command[] = [];
  let buffer = "";
  let joiner: string | undefined; // how the next line joins the command: after `\` a space, in a quote a newline
  let start = block.line;
  block.lines.forEach((raw, index) => {
    let line = raw;
    if (block.lang === "console") {
      if (joiner === undefined && !raw.startsWith("$ ")) return;
      if (joiner === undefined) line = raw.slice(2);
    }
    if (joiner === undefined) start = block.line + index;
    buffer += (joiner ?? "") + line;
    if (openQuote(buffer)) joiner = "\n";
    else if (/\\$/.test(line)) {
      buffer = buffer.slice(0, -1);
      joiner = " ";
    } else {
      commands.push(...splitCommands(buffer, start));
      buffer = "";
      joiner = undefined;
    }
  });
  if (buffer) commands.push(...splitCommands(buffer, start));
  return commands;
}

function openQuote(text: string): boolean {
  let quote: string | undefined;
  let escaped = false;
  for (const ch of text) {
    if (escaped) escaped = false;
    else if (quote === "'") quote = ch === "'" ? undefined : quote;
    else if (ch === "\\") escaped = true;
    else if (quote === '"') quote = ch === '"' ? undefined : quote;
    else if (ch === "'" || ch === '"') quote = ch;
    else if (ch === "#" && !quote) break;
  }
  return quote !== undefined;
}

/** Shell words of a command line (quotes removed, comments dropped), split into commands at control operators. */
function splitCommands(text: string, line: number): Command[] {
  const commands: Command[] = [];
  let words: string[] = [];
  let word: string | undefined;
  let raw = "";
  let quote: string | undefined;
  let depth = 0; // inside $( … )
  const endWord = () => {
    if (word !== undefined) words.push(word);
    word = undefined;
  };
  const endCommand = () => {
    endWord();
    if (words.length) commands.push({ line, words, text: raw.trim() });
    words = [];
    raw = "";
  };
  for (let i = 0; i < text.length; i++) {
    const ch = text[i]!;
    const next = text[i + 1];
    if (quote === "'") {
      if (ch === "'") quote = undefined;
      else word += ch;
    } else if (quote === '"') {
      if (ch === '"') quote = undefined;
      else if (ch === "\\" && next !== undefined && '"\\$`'.includes(next)) (word += next), i++;
      else word += ch;
    } else if (depth > 0) {
      word = (word ?? "") + ch;
      if (ch === "(") depth++;
      if (ch === ")") depth--;
    } else if (ch === "'" || ch === '"') {
      quote = ch;
      word ??= "";
    } else if (ch === "\\" && next !== undefined) {
      word = (word ?? "") + (next === "\n" ? "" : next);
      i++;
    } else if (ch === "$" && next === "(") {
      word = (word ?? "") + "$(";
      depth = 1;
      i++;
    } else if (ch === "#" && word === undefined) {
      while (i + 1 < text.length && text[i + 1] !== "\n") i++;
      endWord();
    } else if (ch === "&" && next === "&") {
      endCommand();
      i++;
      continue;
    } else if ((ch === "|" && next === "|") || ch === ";" || ch === "|" || ch === "\n") {
      if (ch === "|" && next === "|") i++;
      endCommand();
      continue;
    } else if (/\s/.test(ch)) endWord();
    else word = (word ?? "") + ch;
    raw += ch;
  }
  endCommand();
  return commands;
}

// ---- the rules ----

const PLACEHOLDER = /<[^>]*>|…/;
const SERVERLESS_COMMANDS: Record<string, string[]> = {
  deploy: [],
  "deploy function": ["--function", "-f", "--update-config"],
  "deploy list": [],
  package: ["--package", "-p"],
  info: [],
  remove: [],
  print: ["--format", "--path", "--transform"],
  logs: ["--function", "-f", "--tail", "-t", "--startTime", "--filter", "--interval", "-i"],
  invoke: ["--function", "-f", "--data", "-d", "--path", "-p", "--log", "-l", "--type", "-t", "--qualifier", "-q"],
  "invoke local": ["--function", "-f", "--data", "-d", "--path", "-p"],
};
const SERVERLESS_COMMON_FLAGS = ["--stage", "-s", "--region", "-r", "--verbose", "--param", "--aws-profile", "--config", "-c", "--help", "-h", "--debug"];
/** Flags that take no value. */
const SERVERLESS_SWITCHES = ["--verbose", "--help", "-h", "--tail", "-t", "--log", "-l", "--update-config"];
const NPM_COMMANDS = ["run", "run-script", "start", "test", "ci", "install", "i", "exec"];
const SECRETS_MANAGER_OPERATIONS = ["create-secret", "put-secret-value", "get-secret-value", "describe-secret", "list-secrets", "delete-secret", "restore-secret", "update-secret", "tag-resource", "rotate-secret"];

/** Problems of one command; `complete` (fenced blocks) also asks that it names its stage. */
function commandProblems(command: Command, complete = true): string[] {
  const problems: string[] = [];
  const problem = (text: string) => problems.push(`line ${command.line}: ${text}: \`${command.text.replace(/\s*\n\s*/g, " ")}\``);
  const assignments: string[] = [];
  let words = command.words;
  while (words.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(words[0]!)) {
    assignments.push(words[0]!.slice(0, words[0]!.indexOf("=")));
    words = words.slice(1);
  }
  const [program, ...args] = words;
  if (program === "npm") npmProblems(args, assignments, problem, complete);
  else if (program === "npx" && (args[0] === "serverless" || args[0] === "sls")) serverlessProblems(args.slice(1), assignments, problem, complete);
  else if (program === "serverless" || program === "sls") serverlessProblems(args, assignments, problem, complete);
  else if (program === "aws" && args[0] === "secretsmanager") awsProblems(args.slice(1), problem);
  return problems;
}

function npmProblems(args: string[], assignments: string[], problem: (text: string) => void, complete: boolean): void {
  const [sub, ...rest] = args;
  if (!sub || !NPM_COMMANDS.includes(sub)) return problem(`npm ${sub ?? ""} is not a command README should need`);
  if (sub === "start" || sub === "test") {
    if (!scripts.includes(sub)) problem(`package.json has no "${sub}" script`);
    return;
  }
  if (sub !== "run" && sub !== "run-script") return;
  const [script, ...scriptArgs] = rest;
  if (!script) return problem("npm run needs a script name");
  if (!scripts.includes(script)) return problem(`package.json has no script "${script}" (it has ${scripts.join(", ")})`);
  const dashes = scriptArgs.indexOf("--");
  const beforeDashes = dashes < 0 ? scriptArgs : scriptArgs.slice(0, dashes);
  // npm takes options before `--` as its own config: `npm run secrets list --stage prod` loses --stage.
  if (beforeDashes.some((a) => a.startsWith("-"))) problem(`npm keeps options given before \`--\` for itself (${beforeDashes.filter((a) => a.startsWith("-")).join(" ")}): write \`npm run ${script} -- …\``);
  if (script === "secrets") {
    const secretsArgs = dashes < 0 ? scriptArgs : scriptArgs.slice(dashes + 1);
    // Prose may name the tool (`npm run secrets`) or sketch a form of it (`set <id> …`).
    if (secretsArgs.some((a) => PLACEHOLDER.test(a)) || (!complete && secretsArgs.length === 0)) return;
    for (const name of assignments) if (settingNames.has(name)) problem(`${name} in the environment does not reach npm run secrets' secret: give it as NAME=-`);
    try {
      const parsed = parseSecretsArgs(secretsArgs);
      if (parsed.command === "set") {
        for (const a of parsed.assignments) if ("value" in a && credentialNames.has(a.name)) problem(`${a.name}'s value is on the command line (shell history): write ${a.name}=- and type it`);
      }
    } catch (err) {
      if (!(err instanceof UsageError)) throw err;
      problem(`npm run secrets refuses it: ${err.message.split("\n")[0]}`);
    }
    return;
  }
}

function serverlessProblems(args: string[], assignments: string[], problem: (text: string) => void, complete: boolean): void {
  const positionals: string[] = [];
  const flags: Array<[string, string | undefined]> = [];
  for (let i = 0; i < args.length; i++) {
    const arg = args[i]!;
    if (!arg.startsWith("-")) {
      positionals.push(arg);
      continue;
    }
    const eq = arg.indexOf("=");
    const flag = eq > 0 && arg.startsWith("--") ? arg.slice(0, eq) : arg;
    const value = eq > 0 && arg.startsWith("--") ? arg.slice(eq + 1) : SERVERLESS_SWITCHES.includes(arg) || args[i + 1]?.startsWith("-") ? undefined : args[++i];
    flags.push([flag, value]);
  }
  const command = positionals.join(" ");
  if (!complete && args.length === 0) return; // prose naming the tool: `npx serverless`
  const allowed = SERVERLESS_COMMANDS[command];
  if (!allowed) return problem(`serverless ${command || "(no command)"} is not one of ${Object.keys(SERVERLESS_COMMANDS).join(", ")}`);
  for (const [flag, value] of flags) {
    if (!SERVERLESS_COMMON_FLAGS.includes(flag) && !allowed.includes(flag)) problem(`serverless ${command} has no option ${flag}`);
    else if (!SERVERLESS_SWITCHES.includes(flag) && (value === undefined || value === "")) problem(`${flag} needs a value`);
    if ((flag === "--stage" || flag === "-s") && value === "local") problem(`stage "local" is npm start's, not a deployment`);
    if (flag === "--param" && value !== undefined) {
      const name = value.slice(0, Math.max(0, value.indexOf("=")));
      if (!name) problem(`--param takes name=value`);
      else if (!stageParams.includes(name)) problem(`--param ${name} is not a stage parameter of serverless.yml (${stageParams.join(", ")}); secrets and settings go to npm run secrets`);
    }
  }
  // Nothing a deploy is given may be a secret: settings live in Secrets Manager, read at run time.
  for (const name of assignments) if (settingNames.has(name)) problem(`${name} is a setting of a stage secret: serverless never reads it (npm run secrets -- set …)`);
  for (const [, value] of flags) if (value && [...settingNames].some((n) => value.startsWith(`${n}=`))) problem(`a setting passed to serverless: it belongs in a stage secret (npm run secrets)`);
  const stage = flags.find(([f]) => f === "--stage" || f === "-s");
  // Without --stage serverless quietly targets "dev".
  if (complete && !stage && command !== "print") problem(`serverless ${command} without --stage acts on stage "dev"`);
}

function awsProblems(args: string[], problem: (text: string) => void): void {
  const [operation, ...rest] = args;
  if (!operation || !SECRETS_MANAGER_OPERATIONS.includes(operation)) return problem(`aws secretsmanager ${operation ?? ""} is not an operation README should need`);
  const option = (name: string) => {
    const i = rest.findIndex((a) => a === name || a.startsWith(`${name}=`));
    if (i < 0) return undefined;
    return rest[i]!.includes("=") ? rest[i]!.slice(rest[i]!.indexOf("=") + 1) : rest[i + 1];
  };
  const name = option("--name") ?? option("--secret-id");
  if (operation !== "list-secrets" && name === undefined) return problem(`aws secretsmanager ${operation} names no secret (--name / --secret-id)`);
  let id: string | undefined;
  if (name !== undefined && !PLACEHOLDER.test(name)) {
    const m = /^([^/]+)\/([^/]+)\/([^/]+)$/.exec(name);
    if (!m || m[1] !== SERVICE || !secretIds.includes(m[3]!) || m[2] === "local") problem(`${name} is not a secret the functions read: ${SERVICE}/<stage>/<id>, <id> one of ${secretIds.join(", ")}`);
    else id = m[3];
  }
  const secretString = option("--secret-string");
  if (secretString !== undefined && !secretString.startsWith("file://")) {
    let parsed: unknown;
    try {
      parsed = JSON.parse(secretString);
    } catch {
      if (!PLACEHOLDER.test(secretString)) problem(`--secret-string is neither JSON nor file://`);
      return;
    }
    if (typeof parsed !== "object" || parsed === null || Array.isArray(parsed)) return problem(`--secret-string must be a JSON object of setting names`);
    const keys = Object.keys(parsed);
    if (id) for (const key of keys) if (!secretKeys(id).includes(key)) problem(`${key} is not a setting secret "${id}" holds (${secretKeys(id).join(", ")})`);
    for (const key of keys) {
      const value = (parsed as Record<string, unknown>)[key];
      if (credentialNames.has(key) && typeof value === "string" && !PLACEHOLDER.test(value)) problem(`${key}'s value is on the command line (shell history): use --secret-string file://…`);
    }
  }
}

/** THE deploy command: `npx serverless deploy --stage prod`, whole, at most with `--region <r>` after it. */
function hasDeployCommand(commands: readonly Command[]): boolean {
  return commands.some((c) => {
    const [npx, serverless, deploy, stageFlag, stage, ...rest] = c.words;
    if (npx !== "npx" || serverless !== "serverless" || deploy !== "deploy" || stageFlag !== "--stage" || stage !== "prod") return false;
    return rest.length === 0 || (rest.length === 2 && rest[0] === "--region" && /^[a-z]{2}(-[a-z]+)+-\d+$/.test(rest[1]!));
  });
}

/** Every problem of a README's commands. */
function readmeProblems(markdown: string): string[] {
  const blocks = commandBlocks(markdown);
  const commands = blocks.flatMap(blockCommands);
  const problems = [
    ...blocks.flatMap(continuationProblems),
    ...commands.flatMap((c) => commandProblems(c)),
    ...inlineCommands(markdown).flatMap(({ line, text }) => splitCommands(text, line).flatMap((c) => commandProblems(c, false))),
  ];
  if (!hasDeployCommand(commands)) problems.push("no command block holds the deploy command `npx serverless deploy --stage prod` whole (at most `--region <region>` may follow it)");
  return problems;
}

// ---- tests ----

const md = (...blocks: string[]) => blocks.join("\n\n");
const fence = (lang: string, body: string) => "```" + lang + "\n" + body + "\n```";
const DEPLOY = fence("bash", "npx serverless deploy --stage prod");

describe("the rules, on small examples", () => {
  test("a good README passes", () => {
    const good = md(
      "# Deploy",
      fence("bash", "npm ci && npm start     # installs, then serves\nnpm test"),
      DEPLOY,
      fence("sh", "npx serverless deploy --stage prod \\\n  --region us-east-1 \\\n  --verbose"),
      fence("console", "$ npm run secrets -- set bm BM_SIGNATURE_KEY=- BM_SIGNATURE_ENCODING=hex-base64 --stage prod\ncreated onebot/prod/bm (eu-central-1) with BM_SIGNATURE_KEY"),
      fence("", "npm run secrets -- list --stage prod\naws secretsmanager put-secret-value --secret-id onebot/prod/ai --secret-string file://ai.json"),
      fence("bash", `curl -s localhost:3000/engage/transfer -H 'content-type: application/json' \\\n  -d '{"amount":500}'\nbody='{"a":1}'\nsig=$(printf '%s' "$body" | openssl dgst -sha512 -binary | base64 -w0)`),
      fence("", "functions/   one line per endpoint\n  lib/       the rest"),
      "Run `npx serverless info --stage prod --verbose`, or `npx serverless deploy --stage prod --param=\"alarmEmail=ops@example.com\"`; `serverless remove` keeps the tables; `npm run chat -- <bm|engage>`.",
    );
    expect(readmeProblems(good)).toEqual([]);
  });

  test("a line starting with an option, or indented, without the `\\` before it", () => {
    const bad = md(DEPLOY, fence("bash", "npx serverless deploy --stage prod\n  --region us-east-1\n--verbose\ncurl -s localhost:3000/health \\\n  -H 'accept: application/json'\n    https://example.com/"));
    expect(readmeProblems(bad)).toEqual([
      "line 7: `--region us-east-1` starts with an option but the line before does not end in `\\`: the shell runs it as a command of its own",
      "line 8: `--verbose` starts with an option but the line before does not end in `\\`: the shell runs it as a command of its own",
      "line 11: `https://example.com/` is indented but the line before does not end in `\\`: the shell runs it as a command of its own",
    ]);
  });

  test("a `\\` followed by spaces, by a blank line, or ending the block", () => {
    const bad = fence("bash", "npx serverless deploy --stage prod \\ \n  --region us-east-1\nnpm test \\\n\nnpm start \\");
    const blocks = commandBlocks(bad);
    expect(blocks).toHaveLength(1);
    expect(continuationProblems(blocks[0]!)).toEqual([
      "line 2: spaces after the trailing `\\`: it escapes a space and the next line is a command of its own",
      expect.stringMatching(/^line 3: `--region us-east-1` starts with an option/),
      "line 5: blank line after a trailing `\\`: the command ends at the `\\`",
      "line 6: the block ends with a trailing `\\`",
    ]);
  });

  test("the deploy command must appear whole", () => {
    expect(readmeProblems(fence("bash", "npx serverless deploy --stage prod --verbose"))).toContain("no command block holds the deploy command `npx serverless deploy --stage prod` whole (at most `--region <region>` may follow it)");
    expect(readmeProblems(fence("bash", "npx serverless deploy --stage prod --region eu-west-1"))).toEqual([]);
    // Only in prose is not enough: it must be in a block people copy.
    expect(readmeProblems("Deploy with `npx serverless deploy --stage prod`.")).toContain("no command block holds the deploy command `npx serverless deploy --stage prod` whole (at most `--region <region>` may follow it)");
  });

  test.each([
    ["npm run deploy", /package.json has no script "deploy"/],
    ["npm run secrets list --stage prod", /npm keeps options given before `--` for itself \(--stage\)/],
    ["npm run secrets -- set slack TOKEN=- --stage prod", /npm run secrets refuses it: unknown secret id "slack"/],
    ["npm run secrets -- set bm BM_TOKEN=- --stage prod", /npm run secrets refuses it: secret "bm" cannot hold BM_TOKEN/],
    ["npm run secrets -- set bm BM_SIGNATURE_KEY=abc123 --stage prod", /BM_SIGNATURE_KEY's value is on the command line/],
    ["npm run secrets -- list", /npm run secrets refuses it: list needs --stage/],
    ["npm publish", /npm publish is not a command README should need/],
    ["npx serverless deploy", /serverless deploy without --stage acts on stage "dev"/],
    ["npx serverless deploy --stage prod --param=\"bmSignatureKey=abc\"", /--param bmSignatureKey is not a stage parameter of serverless.yml/],
    ["BM_SIGNATURE_KEY=abc npx serverless deploy --stage prod", /BM_SIGNATURE_KEY is a setting of a stage secret/],
    ["npx serverless deploy --stage prod --force-everything", /serverless deploy has no option --force-everything/],
    ["npx serverless destroy --stage prod", /serverless destroy is not one of deploy/],
    ["npx serverless logs --stage prod --function", /--function needs a value/],
    ["npx serverless deploy --stage local", /stage "local" is npm start's/],
    ["aws secretsmanager create-secret --name onebot/prod/whatsapp --secret-string file://x.json", /onebot\/prod\/whatsapp is not a secret the functions read/],
    ["aws secretsmanager create-secret --name prod/bm --secret-string file://x.json", /prod\/bm is not a secret the functions read/],
    ["aws secretsmanager put-secret-value --secret-id onebot/prod/bm --secret-string '{\"BM_KEY\":\"…\"}'", /BM_KEY is not a setting secret "bm" holds/],
    ["aws secretsmanager put-secret-value --secret-id onebot/prod/bm --secret-string '{\"BM_SIGNATURE_KEY\":\"abc\"}'", /BM_SIGNATURE_KEY's value is on the command line/],
    ["aws secretsmanager get-secret-value", /names no secret/],
  ])("refuses `%s`", (line, message) => {
    const problems = readmeProblems(md(DEPLOY, fence("bash", line)));
    expect(problems).toEqual([expect.stringMatching(message)]);
    expect(problems[0]).toMatch(/^line 6: /);
  });

  test("a command continued over lines is checked whole", () => {
    const block = commandBlocks(fence("bash", "npx serverless deploy \\\n  --stage prod \\\n  --param=\"tracing=true\"\ncurl -s x \\\n  -d '{\n  \"a\": 1\n}'"))[0]!;
    expect(blockCommands(block).map((c) => [c.line, c.words])).toEqual([
      [2, ["npx", "serverless", "deploy", "--stage", "prod", "--param=tracing=true"]],
      [5, ["curl", "-s", "x", "-d", '{\n  "a": 1\n}']],
    ]);
    expect(continuationProblems(block)).toEqual([]);
    expect(blockCommands(block).flatMap((c) => commandProblems(c))).toEqual([]);
  });

  test("an untagged block counts when it is mostly commands; a diagram does not", () => {
    expect(commandBlocks(fence("", "npm run nothing-here\nnpm test")).map((b) => b.lang)).toEqual(["untagged"]);
    expect(commandBlocks(fence("", "platform ─HTTP─> functions/<endpoint>.ts\n   lib/engine/run-turn.ts"))).toEqual([]);
    expect(commandBlocks(fence("ts", "npm run x"))).toEqual([]);
  });

  test("splitCommands follows the shell: quotes, $( … ), comments, control operators", () => {
    expect(splitCommands(`A=1 npm ci && npm start # serves\nx='a && b' ; y="$(echo 1 | cat)" | z`, 1).map((c) => c.words)).toEqual([
      ["A=1", "npm", "ci"],
      ["npm", "start"],
      ["x=a && b"],
      ["y=$(echo 1 | cat)"],
      ["z"],
    ]);
  });
});

describe("README.md", () => {
  const readme = readFileSync(join(ROOT, "README.md"), "utf8");

  test("its commands run as written", () => {
    expect(readmeProblems(readme)).toEqual([]);
  });

  // The user's bug, put back into today's README: the check sees the real deploy block, not just the examples.
  test("a copy whose deploy command lost its trailing `\\` is caught", () => {
    const lines = readme.split("\n");
    const deploy = blockCommands(commandBlocks(readme).find((b) => hasDeployCommand(blockCommands(b)))!).find((c) => hasDeployCommand([c]))!;
    lines.splice(deploy.line, 0, '  --param="alarmEmail=ops@example.com"');
    expect(readmeProblems(lines.join("\n"))).toEqual([
      `line ${deploy.line + 1}: \`--param="alarmEmail=ops@example.com"\` starts with an option but the line before does not end in \`\\\`: the shell runs it as a command of its own`,
    ]);
  });
});
