import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { floorOptions } from "../../scripts/bench/bundles";
import { defaultProvider } from "../../scripts/bench/floor-credentials";
import { assertFigures, figure } from "../../scripts/bench/results-json";

/** bench/results.json's shape and judgement, and the floor bundle's pieces. */
test("a target bounds the ratio when there is a floor, else the value; null where it does not apply", () => {
  expect(figure("a", 3, "ms", { floor: 2, target: 1.3 })).toEqual({ name: "a", value: 3, unit: "ms", floor: 2, ratio: 1.5, target: 1.3, met: false });
  expect(figure("b", 1.5, "WCU", { target: 2 })).toEqual({ name: "b", value: 1.5, unit: "WCU", floor: null, ratio: null, target: 2, met: true });
  expect(figure("c", 7, "bytes")).toEqual({ name: "c", value: 7, unit: "bytes", floor: null, ratio: null, target: null, met: null });
  expect(figure("d", NaN, "ms", { floor: 2, target: 1 })).toMatchObject({ value: null, ratio: null, met: null });
});

test("assertFigures refuses a missing key, a repeated name, a wrong type or a verdict without a target", () => {
  const ok = figure("x", 1, "ms", { floor: 1, target: 2 });
  expect(() => assertFigures([ok])).not.toThrow();
  const { unit: _unit, ...noUnit } = ok;
  expect(() => assertFigures([noUnit])).toThrow(/keys/);
  expect(() => assertFigures([ok, ok])).toThrow(/repeated/);
  expect(() => assertFigures([{ ...ok, value: "1" }])).toThrow(/value/);
  expect(() => assertFigures([{ ...ok, target: null }])).toThrow(/met without target/);
  expect(() => assertFigures({})).toThrow(/not a list/);
});

test("the committed bench/results.json has that shape, with the figures a script checks", () => {
  const file = join(__dirname, "..", "..", "bench", "results.json");
  if (!existsSync(file)) return;
  const figures: unknown = JSON.parse(readFileSync(file, "utf8"));
  assertFigures(figures);
  const names = figures.map((f) => f.name);
  for (const name of ["bundle.floor.size", "capacity.scripted.write_units_per_turn", "capacity.ai.write_units_per_turn", "latency.bm-webhook.p50", "bench.run_time"]) expect(names).toContain(name);
});

test("the floor's credential provider reads Lambda's variables only, and its alias keeps serverless.yml's others", async () => {
  const saved = { ...process.env };
  try {
    Object.assign(process.env, { AWS_ACCESS_KEY_ID: "AKID", AWS_SECRET_ACCESS_KEY: "secret", AWS_SESSION_TOKEN: "token" });
    await expect(defaultProvider({})()).resolves.toEqual({ accessKeyId: "AKID", secretAccessKey: "secret", sessionToken: "token" });
    delete process.env.AWS_ACCESS_KEY_ID;
    await expect(defaultProvider({})()).rejects.toThrow(/AWS_ACCESS_KEY_ID/);
  } finally {
    process.env = saved;
  }
  const alias = floorOptions({ alias: { "@aws-sdk/credential-provider-node": "./lib/aws/environment-credentials.ts", other: "./x.ts" } }).alias!;
  expect(alias.other).toBe("./x.ts");
  expect(alias["@aws-sdk/credential-provider-node"]).toMatch(/scripts\/bench\/floor-credentials\.ts$/);
});
