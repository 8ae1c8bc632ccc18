// serverless.yml's functions and their URL outputs, made from the platform registry (lib/platforms/registry.ts)
// when the Serverless Framework reads the configuration (package, deploy, offline): one function per endpoint of
// each registered platform, plus the job worker and the health check. tsx loads the TypeScript registry here;
// nothing of this runs in a Lambda.
const { existsSync } = require("node:fs");
const { join } = require("node:path");
const { require: tsxRequire } = require("tsx/cjs/api");

// Under jest (the package test, through scripts/bench/bundles.ts) jest's own transform compiles TypeScript.
// (jest hands every module it loads a `jest` binding; a plain node process, osls's, has none.)
const loadTs = (path, from) => (typeof jest === "undefined" ? tsxRequire(path, from) : require(path));

// Serverless resolves both `functions` and `outputs` from this file: load the registry (and check the files) once.
let endpoints;
function registry() {
  return (endpoints ??= loadEndpoints());
}

function loadEndpoints() {
  const { platforms } = loadTs("../lib/platforms/registry.ts", __filename);
  const { functionName, functionFile } = loadTs("../lib/platforms/platform.ts", __filename);
  return platforms.flatMap((platform) =>
    Object.entries(platform.endpoints).map(([endpoint, spec]) => {
      const file = functionFile(platform, endpoint);
      if (!existsSync(join(__dirname, "..", file))) throw new Error(`${platform.id}.${endpoint}: ${file} is missing (one line: export const handler = endpointHandler(…))`);
      return { name: functionName(platform, endpoint), file, spec };
    }),
  );
}

const httpEvents = (routes) =>
  routes.map((route) => {
    const [method, path] = route.split(" ");
    return { httpApi: { method, path } };
  });

const CORE = {
  jobWorker: {
    handler: "functions/job-worker.handler",
    timeout: 60,
    events: [
      {
        sqs: { arn: { "Fn::GetAtt": ["JobsQueue", "Arn"] }, batchSize: 10, functionResponseType: "ReportBatchItemFailures" },
      },
    ],
  },
  health: { handler: "functions/health.handler", events: [{ httpApi: { method: "GET", path: "/health" } }] },
};

module.exports.functions = () => {
  const functions = {};
  for (const { name, file, spec } of registry()) {
    functions[name] = { handler: `${file.replace(/\.ts$/, "")}.handler`, events: httpEvents(spec.routes) };
  }
  return { ...functions, ...CORE };
};

/** The deployed URL of each endpoint that names an output, e.g. BmWebhookUrl. */
module.exports.outputs = () => {
  const outputs = {};
  for (const { spec } of registry()) {
    if (!spec.output) continue;
    const path = spec.routes[0].split(" ")[1].replace(/\{[^}]+\}$/, "");
    outputs[spec.output] = {
      Description: spec.description,
      Value: { "Fn::Join": ["", ["https://", { Ref: "HttpApi" }, ".execute-api.", { Ref: "AWS::Region" }, ".", { Ref: "AWS::URLSuffix" }, path]] },
    };
  }
  return outputs;
};
