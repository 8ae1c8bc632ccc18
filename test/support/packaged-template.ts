import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { copyFileSync, existsSync, mkdirSync, readdirSync, readFileSync, rmSync, statSync, symlinkSync } from "node:fs";
import { tmpdir } from "node:os";
import { join, relative } from "node:path";
import { secretIds, secretKeys } from "../../lib/deployment/stage-secrets";
import { promisify } from "node:util";

/**
 * `serverless package --stage prod` once per jest run, shared by the test files that read its output (the
 * package test, the CloudFormation spec check): the first file to ask packages into a folder of its own, the others
 * wait for it and read the same files. Offline on purpose: no AWS_* variable reaches it (proves `package` needs no
 * credentials), and the shell holds secrets that must not reach the template (`LEAK`).
 *
 * osls always builds in `<service folder>/.serverless` and deletes that folder first, whatever `--package` says, so
 * two packagings of one checkout (another test run, someone's `npm run package`) wipe each other's files. Ours runs
 * in a service folder of its own: serverless.yml copied, everything else linked to the checkout.
 */
const ROOT = join(__dirname, "..", "..");
const CACHE = join(tmpdir(), "onebot-package");
export const LEAK = "secret-from-the-deployers-shell";

export interface PackagedService {
  /** The folder holding the zips and cloudformation-template-*.json. */
  dir: string;
  templateText: string;
  template: { Resources: Record<string, { Type: string; Properties?: Record<string, any>; [key: string]: unknown }>; Outputs?: Record<string, any>; [key: string]: unknown };
}

// A jest run is its main process: a worker (jest-worker's processChild) is its child; in band, the test file runs in it.
const runPid = () => (process.argv.some((arg) => /jest-worker[\\/].*processChild/.test(arg)) ? process.ppid : process.pid);
const alive = (pid: number) => {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    return (err as NodeJS.ErrnoException).code === "EPERM";
  }
};

let packaged: Promise<PackagedService> | undefined;

/** The packaged service of this run; packages it when no other test file of the run has. */
export function packagedService(): Promise<PackagedService> {
  return (packaged ??= obtain());
}

/** What the package is made from, by path, size and mtime: a file changed during a `jest --watch` run repackages. */
function fingerprint(): string {
  const hash = createHash("sha1");
  const walk = (path: string): void => {
    const stat = statSync(path, { throwIfNoEntry: false });
    if (!stat) return;
    if (stat.isDirectory()) return readdirSync(path).sort().forEach((name) => walk(join(path, name)));
    hash.update(`${relative(ROOT, path)} ${stat.size} ${stat.mtimeMs}\n`);
  };
  ["serverless.yml", "package.json", "package-lock.json", "tsconfig.json", "infra", "lib", "functions", "app", "bot"].forEach((p) => walk(join(ROOT, p)));
  return hash.digest("hex").slice(0, 12);
}

async function obtain(): Promise<PackagedService> {
  const pid = runPid();
  const runDir = join(CACHE, `${pid}-${fingerprint()}`);
  const dir = join(runDir, "out");
  const done = join(runDir, "done");
  const failed = join(runDir, "failed");
  mkdirSync(CACHE, { recursive: true });
  for (const old of readdirSync(CACHE)) if (!alive(Number(old.split("-")[0]))) rmSync(join(CACHE, old), { recursive: true, force: true });
  let mine = false;
  try {
    mkdirSync(runDir); // atomic: exactly one file of the run gets to package
    mine = true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code !== "EEXIST") throw err;
  }
  if (mine) {
    try {
      await runPackage(runDir, dir);
      mkdirSync(done);
    } catch (err) {
      mkdirSync(failed);
      throw err;
    }
  } else {
    const deadline = Date.now() + 230_000;
    while (!existsSync(done)) {
      if (existsSync(failed)) throw new Error(`serverless package failed in another test file of this run (see its error)`);
      if (Date.now() > deadline) throw new Error(`serverless package did not finish in time in ${dir}`);
      await new Promise((r) => setTimeout(r, 200));
    }
  }
  const templateText = readFileSync(join(dir, "cloudformation-template-update-stack.json"), "utf8");
  return { dir, templateText, template: JSON.parse(templateText) };
}

/** Files of the checkout that are build output, not input. */
const NOT_LINKED = new Set([".serverless", ".esbuild", ".git", ".local", "serverless.yml"]);

async function runPackage(runDir: string, dir: string): Promise<void> {
  const service = join(runDir, "service");
  mkdirSync(service);
  // osls refuses a linked serverless.yml; its ${file(…)} paths resolve against the links.
  copyFileSync(join(ROOT, "serverless.yml"), join(service, "serverless.yml"));
  for (const name of readdirSync(ROOT)) if (!NOT_LINKED.has(name)) symlinkSync(join(ROOT, name), join(service, name));
  const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("AWS_") && k !== "ONEBOT_ESBUILD_WORK_FOLDER"));
  await promisify(execFile)(join(ROOT, "node_modules", ".bin", "serverless"), ["package", "--stage", "prod", "--package", dir], {
    cwd: service,
    env: {
      ...env,
      SLS_TELEMETRY_DISABLED: "1",
      // Every setting a stage secret may hold, each with a distinctive value: none may reach anything packaged.
      ...Object.fromEntries(secretIds.flatMap((id) => secretKeys(id).map((name) => [name, `${LEAK}-${name}`]))),
    },
    timeout: 230_000,
    maxBuffer: 16 * 1024 * 1024,
  });
}
