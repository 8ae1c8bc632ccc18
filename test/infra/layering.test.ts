import { readdirSync, readFileSync } from "node:fs";
import { dirname, join, relative, resolve } from "node:path";

/**
 * lib/ is the framework: it never names the example bot. The bot is injected by the composition root (app/),
 * so replacing bot/ touches no file under lib/. Checked on the import specifiers of every file under lib/
 * (static `import … from`, `export … from`, side-effect `import "…"`, dynamic `import("…")` and `require("…")`).
 */
const ROOT = join(__dirname, "..", "..");
const LIB = join(ROOT, "lib");

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : /\.(ts|js|mjs|cjs)$/.test(entry.name) ? [path] : [];
  });
}

const SPECIFIER = /(?:\bfrom\s*|\bimport\s*\(?\s*|\brequire\s*\(\s*)["']([^"']+)["']/g;

function importSpecifiers(source: string): string[] {
  return [...source.matchAll(SPECIFIER)].map((m) => m[1]!);
}

/** Where a relative specifier points, from the repository root ("bot/index", "lib/config"), else the bare name. */
const target = (file: string, specifier: string) => (specifier.startsWith(".") ? relative(ROOT, resolve(dirname(file), specifier)) : specifier);

const outsideLib = (file: string, specifier: string) => {
  const to = target(file, specifier);
  return to === "bot" || to.startsWith("bot/") || to === "app" || to.startsWith("app/");
};

test("the scan finds every form of import", () => {
  const forms = ['import { a } from "../bot";', 'export * from "../../bot/accounts";', 'import "../bot";', 'await import("../bot/index");', 'require("../app/runtime")'];
  expect(forms.map((line) => importSpecifiers(line))).toEqual([["../bot"], ["../../bot/accounts"], ["../bot"], ["../bot/index"], ["../app/runtime"]]);
  expect(outsideLib(join(LIB, "runtime.ts"), "../bot")).toBe(true);
  expect(outsideLib(join(LIB, "platforms", "x.ts"), "../../app/runtime")).toBe(true);
  expect(outsideLib(join(LIB, "runtime.ts"), "./engine/bot")).toBe(false);
});

test("no file under lib/ imports the bot (bot/) or the composition root (app/)", () => {
  const files = filesUnder(LIB);
  expect(files.length).toBeGreaterThan(50);
  const offending = files.flatMap((file) =>
    importSpecifiers(readFileSync(file, "utf8"))
      .filter((specifier) => outsideLib(file, specifier))
      .map((specifier) => `${relative(ROOT, file)} imports ${specifier}`),
  );
  expect(offending).toEqual([]);
});
