import { buildSync } from "esbuild";
import { readdirSync } from "node:fs";
import { join } from "node:path";

/**
 * Every function bundles zod/mini only: classic zod ("zod") adds ~56 KB minified to each bundle.
 * Built in memory with the bundling options of serverless.yml.
 */
const ROOT = join(__dirname, "..", "..");
const entries = readdirSync(join(ROOT, "functions")).filter((f) => f.endsWith(".ts"));

test.each(entries)("functions/%s bundles no classic zod", (entry) => {
  const { metafile } = buildSync({
    entryPoints: [join(ROOT, "functions", entry)],
    bundle: true,
    minify: true,
    platform: "node",
    target: "node22",
    format: "cjs",
    mainFields: ["module", "main"],
    write: false,
    outdir: join(ROOT, ".zod-check"),
    metafile: true,
    logLevel: "silent",
  });
  const inputs = Object.keys(metafile.inputs);
  expect(inputs.filter((path) => path.includes("node_modules/zod/v4/classic"))).toEqual([]);
  if (inputs.some((path) => path.includes("node_modules/zod/"))) {
    expect(inputs).toContainEqual(expect.stringContaining("node_modules/zod/v4/locales/en.js"));
  }
});
