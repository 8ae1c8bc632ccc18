import { readFileSync } from "node:fs";
import { join } from "node:path";
import { platforms } from "../../lib/platforms/registry";

/** README's deploy section must match what serverless.yml reads: every stage parameter is documented (and none is a secret). */
const root = join(__dirname, "..", "..");
const serverlessYml = readFileSync(join(root, "serverless.yml"), "utf8");
const readme = readFileSync(join(root, "README.md"), "utf8");
// Table names are params only for the local stage (npm start); deployments derive them from the stage.
const LOCAL_ONLY = new Set(["sessionsTable", "eventsTable"]);

test("every ${param:…} of serverless.yml is documented in README", () => {
  const params = [...new Set([...serverlessYml.matchAll(/\$\{param:(\w+)/g)].map((m) => m[1]!))].filter((p) => !LOCAL_ONLY.has(p));
  expect(params.sort()).toEqual(["alarmEmail", "logLevel", "secretsTtlSeconds", "tracing"]);
  expect(params.filter((p) => !readme.includes(`\`${p}\``) && !readme.includes(`${p}=`))).toEqual([]);
});

test("every route of the platform registry is in README's endpoint table", () => {
  const routes = platforms.flatMap((platform) => Object.values(platform.endpoints).flatMap((endpoint) => endpoint.routes.map((route) => route.split(" ")[1]!)));
  expect(routes.length).toBeGreaterThan(8);
  expect(routes.filter((r) => !readme.includes(r))).toEqual([]);
});
