import { existsSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { jobHandlers } from "../../lib/jobs/handlers";
import { functionFile } from "../../lib/platforms/platform";
import { platforms } from "../../lib/platforms/registry";
import { RELAYS } from "../../lib/platforms/relay";

/** What registering a platform promises the rest of the project (README "Adding a platform"). */
const ROOT = join(__dirname, "..", "..");

test("ids are unique and short enough to prefix keys", () => {
  const ids = platforms.map((p) => p.id);
  expect(new Set(ids).size).toBe(ids.length);
  for (const id of ids) expect(id).toMatch(/^[a-z][a-z0-9]{1,15}$/);
});

test("every endpoint has its one-line function file naming its platform and endpoint", () => {
  for (const platform of platforms) {
    for (const name of Object.keys(platform.endpoints)) {
      const file = join(ROOT, functionFile(platform, name));
      expect({ file, exists: existsSync(file) }).toEqual({ file, exists: true });
      expect(readFileSync(file, "utf8")).toMatch(new RegExp(`endpointHandler\\(\\w+, "${name}"\\)`));
    }
  }
});

test("no two endpoints claim the same route", () => {
  const routes = platforms.flatMap((p) => Object.values(p.endpoints).flatMap((e) => e.routes));
  expect(new Set(routes).size).toBe(routes.length);
});

test("the platforms that declare an out-of-band channel are exactly those with a relay", () => {
  const declared = platforms.filter((p) => p.outOfBand === "relay").map((p) => p.id).sort();
  expect(declared.length).toBeGreaterThan(0);
  expect(Object.keys(RELAYS).sort()).toEqual(declared);
});

test("every job kind a platform enqueues has its handler in the worker's list", () => {
  const kinds = platforms.flatMap((p) => p.jobKinds ?? []);
  expect(kinds.length).toBeGreaterThan(0);
  expect(kinds.filter((kind) => !Object.hasOwn(jobHandlers, kind))).toEqual([]);
  expect(Object.keys(jobHandlers).sort()).toEqual([...kinds].sort());
});
