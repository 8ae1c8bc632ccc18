import { spawnSync } from "node:child_process";
import { readFileSync } from "node:fs";
import { join } from "node:path";
import * as z from "zod/mini";
import { readSettings } from "../../lib/config";
import { defineSettings, type SettingsSource } from "../../lib/platforms/platform-settings";
import { platforms } from "../../lib/platforms/registry";
import { requireSettings } from "../../lib/platforms/secrets-guard";

/** Each platform reads its own settings slice (its settings.ts); lib/config.ts keeps only the core. */
const ROOT = join(__dirname, "..", "..");
const source = (env: Record<string, string>, isLocal = env.BOT_STAGE === "local"): SettingsSource => ({ env, settings: { isLocal } });

describe("defineSettings", () => {
  const slice = defineSettings(z.object({ X_SECRET: z.optional(z.string()), X_BUDGET_MS: z._default(z.coerce.number().check(z.int(), z.positive()), 5) }), { X_SECRET: "local-x" });

  it("treats blank as unset and fills local defaults on the local stage only", () => {
    expect(slice.read(source({ X_SECRET: "", X_BUDGET_MS: "" }, true))).toEqual({ X_SECRET: "local-x", X_BUDGET_MS: 5, invalid: [] });
    expect(slice.read(source({ X_SECRET: "" }, false))).toEqual({ X_BUDGET_MS: 5, invalid: [] });
    expect(slice.read(source({ X_SECRET: "set", X_BUDGET_MS: "7" }, true))).toEqual({ X_SECRET: "set", X_BUDGET_MS: 7, invalid: [] });
  });

  it("reports an invalid value (never throws), keeps the valid ones, and the guard refuses with 503 naming it", () => {
    const read = slice.read(source({ X_SECRET: "s", X_BUDGET_MS: "soon" }, false));
    expect(read.X_SECRET).toBe("s");
    expect(read.invalid).toEqual([expect.stringMatching(/^X_BUDGET_MS: /)]);
    expect(() => requireSettings(read, "prod", "X", ["X_SECRET"], read.invalid)).toThrow(expect.objectContaining({ status: 503 }));
  });

  it("reads once per runtime", () => {
    const rt = source({ X_BUDGET_MS: "9" }, false);
    expect(slice.read(rt)).toBe(slice.read(rt));
  });
});

test("every platform's slice holds its secrets and local defaults; a deployed stage gets none of them", () => {
  for (const platform of platforms) {
    const local = platform.settings(source({ BOT_STAGE: "local" }));
    const deployed = platform.settings(source({ BOT_STAGE: "prod" }));
    expect({ id: platform.id, local: local.invalid, deployed: deployed.invalid }).toEqual({ id: platform.id, local: [], deployed: [] });
    for (const [name, value] of Object.entries(platform.localSecrets)) expect({ name, value: local[name] }).toEqual({ name, value });
    for (const name of platform.secrets) expect({ name, value: deployed[name] }).toEqual({ name, value: undefined });
  }
});

test("lib/config.ts holds the core only: no platform's setting, no platform import", () => {
  const core = Object.keys(readSettings({ BOT_STAGE: "local" }));
  const owned = platforms.flatMap((p) => [...p.secrets, ...Object.keys(p.settings(source({ BOT_STAGE: "local" })))]).filter((n) => n !== "invalid");
  expect(core.filter((name) => owned.includes(name))).toEqual([]);
  expect(readFileSync(join(ROOT, "lib", "config.ts"), "utf8")).not.toMatch(/from "\.\/platforms/);
});

test("npm start refuses an invalid platform setting in one line, before anything starts", () => {
  const env: NodeJS.ProcessEnv = { ...process.env, BM_REPLY_BUDGET_MS: "soon", PORT: "1" };
  delete env.BOT_STAGE;
  const run = spawnSync(join(ROOT, "node_modules", ".bin", "tsx"), [join(ROOT, "scripts", "start.ts")], { cwd: ROOT, env, encoding: "utf8", timeout: 60_000 });
  expect(run.status).toBe(1);
  expect(run.stdout).toBe("");
  expect(run.stderr.trim().split("\n")).toEqual([expect.stringMatching(/^npm start: invalid Business Messenger settings: BM_REPLY_BUDGET_MS: /)]);
});
