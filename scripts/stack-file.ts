/**
 * `.local/stack.json`: what a running `npm start` tells the developer tools (`npm run chat`, `sessions`,
 * `admin`): where it serves HTTP, its DynamoDB endpoint and tables, the webhook credentials it checks and where
 * it POSTs TwoWay replies. Written once the stack is ready, deleted when it stops. `ONEBOT_STACK_FILE` moves it
 * (the tests run several stacks at once). The folder is git-ignored and the file is readable by its owner only.
 */
import { mkdirSync, readFileSync, renameSync, rmSync, writeFileSync } from "node:fs";
import { dirname, join, resolve } from "node:path";

export interface StackFile {
  /** Base URL of the HTTP API, e.g. http://localhost:3000. */
  httpUrl: string;
  dynamoEndpoint: string;
  /** True when npm start runs an embedded dynalite (gone with the stack). */
  dynamoEmbedded: boolean;
  region: string;
  tables: { sessions: string; events: string };
  /**
   * The webhook settings in use, from each registered platform's own slice: the secrets it names local defaults
   * for (BM_SIGNATURE_KEY, ENGAGE_API_TOKEN, KOMMUNICATE_WEBHOOK_SECRET, TWOWAY_WEBHOOK_SECRET, CM_PRODUCT_TOKEN,
   * BOTPRESS_BOT_ID, BOTPRESS_EMAIL, BOTPRESS_PASSWORD …) and BM_SIGNATURE_ENCODING, KOMMUNICATE_WEBHOOK_HEADER.
   */
  secrets: Record<string, string>;
  /** Where the stack POSTs TwoWay replies (by default the chat simulator's local endpoint). */
  twowayOutboundUrl?: string;
  pid: number;
}

export const DEFAULT_STACK_FILE = join(__dirname, "..", ".local", "stack.json");

export function stackFilePath(env: NodeJS.ProcessEnv = process.env): string {
  return env.ONEBOT_STACK_FILE ? resolve(env.ONEBOT_STACK_FILE) : DEFAULT_STACK_FILE;
}

/** Writes atomically (temporary file, then rename), mode 0600. */
export function writeStackFile(stack: StackFile, file = stackFilePath()): string {
  mkdirSync(dirname(file), { recursive: true });
  const temporary = `${file}.${process.pid}.tmp`;
  writeFileSync(temporary, `${JSON.stringify(stack, null, 2)}\n`, { mode: 0o600 });
  renameSync(temporary, file);
  return file;
}

/** The running stack, or undefined when there is no file, it is unreadable, or its process is gone (a stale file). */
export function readStackFile(file = stackFilePath()): StackFile | undefined {
  let stack: StackFile;
  try {
    stack = JSON.parse(readFileSync(file, "utf8")) as StackFile;
  } catch {
    return undefined;
  }
  if (typeof stack?.httpUrl !== "string" || typeof stack.pid !== "number") return undefined;
  return isAlive(stack.pid) ? stack : undefined;
}

/** Deletes the file if it belongs to `pid` (another stack may have written its own since). Synchronous: safe in an exit handler. */
export function removeStackFile(file = stackFilePath(), pid = process.pid): void {
  try {
    const stack = JSON.parse(readFileSync(file, "utf8")) as Partial<StackFile>;
    if (stack.pid === pid) rmSync(file, { force: true });
  } catch {
    // no file, or not ours to judge
  }
}

function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
}
