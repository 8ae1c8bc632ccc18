import { readSettings } from "../../lib/config";
import { platforms } from "../../lib/platforms/registry";

/** The local defaults of secrets apply on the local stage outside AWS Lambda only: never in a deployed function. */
const LAMBDA = { AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x" };

test.each([
  ["npm start / the tests", { BOT_STAGE: "local" }, true],
  ["serverless-offline (it imitates Lambda, and says so)", { BOT_STAGE: "local", ...LAMBDA, IS_OFFLINE: "true" }, true],
  ["a deployed stage called local", { BOT_STAGE: "local", ...LAMBDA }, false],
  ["a deployed stage", { BOT_STAGE: "prod", ...LAMBDA }, false],
  ["another stage outside Lambda", { BOT_STAGE: "dev" }, false],
])("%s: local defaults %s", (_, env, local) => {
  const settings = readSettings(env);
  expect(settings.isLocal).toBe(local);
  for (const platform of platforms) {
    const slice = platform.settings({ env, settings }) as Record<string, unknown>;
    for (const [name, value] of Object.entries(platform.localSecrets)) expect({ name, value: slice[name] }).toEqual({ name, value: local ? value : undefined });
  }
});
