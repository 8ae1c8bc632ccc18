// serverless.yml's functions, their IAM roles and URL outputs, made from the platform registry
// (lib/platforms/registry.ts) when the Serverless Framework reads the configuration (package, deploy, offline): one
// function per endpoint of each registered platform, plus the job worker and the health check. tsx loads the
// TypeScript registry here; nothing of this runs in a Lambda.
const { existsSync } = require("node:fs");
const { join } = require("node:path");
const { require: tsxRequire } = require("tsx/cjs/api");

// Under jest (the package test, through scripts/bench/bundles.ts) jest's own transform compiles TypeScript.
// (jest hands every module it loads a `jest` binding; a plain node process, osls's, has none.)
const loadTs = (path, from) => (typeof jest === "undefined" ? tsxRequire(path, from) : require(path));

// Serverless resolves `functions`, `roles` and `outputs` from this file: load the registry (and check the files) once.
let loaded;
function registry() {
  return (loaded ??= loadFunctions());
}

const JOBS_QUEUE = { "Fn::GetAtt": ["JobsQueue", "Arn"] };
const TABLES = [{ "Fn::GetAtt": ["SessionsTable", "Arn"] }, { "Fn::GetAtt": ["EventsTable", "Arn"] }];

/**
 * Every function with what it may touch: `secrets` (the stage secrets it reads, lib/deployment/stage-secrets.ts),
 * `tables` (item reads and conditional writes), `enqueues` (sends jobs), `consumes` (the job queue's worker).
 */
function loadFunctions() {
  const { platforms } = loadTs("../lib/platforms/registry.ts", __filename);
  const { functionName, functionFile } = loadTs("../lib/platforms/platform.ts", __filename);
  const { secretsOfEndpoint, secretsOfWorker } = loadTs("../lib/deployment/stage-secrets.ts", __filename);
  const endpoints = platforms.flatMap((platform) =>
    Object.entries(platform.endpoints).map(([endpoint, spec]) => {
      const file = functionFile(platform, endpoint);
      if (!existsSync(join(__dirname, "..", file))) throw new Error(`${platform.id}.${endpoint}: ${file} is missing (one line: export const handler = endpointHandler(…))`);
      return {
        name: functionName(platform, endpoint),
        handler: `${file.replace(/\.ts$/, "")}.handler`,
        events: httpEvents(spec.routes),
        spec,
        secrets: secretsOfEndpoint(platform),
        tables: true,
        // Only platforms with job kinds enqueue (their webhooks hand work to the worker).
        enqueues: Boolean(platform.jobKinds?.length),
      };
    }),
  );
  const core = [
    {
      name: "jobWorker",
      handler: "functions/job-worker.handler",
      timeout: 60,
      events: [{ sqs: { arn: JOBS_QUEUE, batchSize: 10, functionResponseType: "ReportBatchItemFailures" } }],
      secrets: secretsOfWorker(),
      tables: true,
      consumes: true,
    },
    // Liveness only: no secrets, no table, no queue.
    { name: "health", handler: "functions/health.handler", events: [{ httpApi: { method: "GET", path: "/health" } }], secrets: [] },
  ];
  return [...endpoints, ...core];
}

const httpEvents = (routes) =>
  routes.map((route) => {
    const [method, path] = route.split(" ");
    return { httpApi: { method, path } };
  });

/** Serverless's logical ids: `bmWebhook` → `BmWebhook…`. */
const logicalId = (name) => name.charAt(0).toUpperCase() + name.slice(1);
const roleId = (name) => `${logicalId(name)}Role`;

module.exports.functionNames = () => registry().map((fn) => fn.name);

module.exports.functions = () => {
  const functions = {};
  for (const fn of registry()) {
    functions[fn.name] = {
      handler: fn.handler,
      events: fn.events,
      role: roleId(fn.name),
      ...(fn.timeout ? { timeout: fn.timeout } : {}),
      ...(fn.secrets.length ? { environment: { ONEBOT_SECRETS: fn.secrets.join(",") } } : {}),
    };
  }
  return functions;
};

const statement = (Action, Resource) => ({ Effect: "Allow", Action, Resource });
const sub = (text) => ({ "Fn::Sub": text });

/**
 * Least privilege: one role per function, with only the calls it makes on the resources it uses. Every role
 * writes its own log group; X-Ray only when the `tracing` stage parameter is on (condition TracingEnabled).
 */
module.exports.roles = ({ resolveVariable }) =>
  (async () => {
    const service = await resolveVariable("self:service");
    const stage = await resolveVariable("sls:stage");
    const { secretName } = loadTs("../lib/deployment/stage-secrets.ts", __filename);
    const resources = {};
    for (const fn of registry()) {
      const statements = [statement(["logs:CreateLogStream", "logs:PutLogEvents"], { "Fn::GetAtt": [`${logicalId(fn.name)}LogGroup`, "Arn"] })];
      if (fn.tables) statements.push(statement(["dynamodb:GetItem", "dynamodb:PutItem"], TABLES));
      if (fn.enqueues) statements.push(statement(["sqs:SendMessage"], [JOBS_QUEUE]));
      if (fn.consumes) statements.push(statement(["sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes", "sqs:ChangeMessageVisibility"], [JOBS_QUEUE]));
      if (fn.secrets.length) {
        // Secrets Manager appends six random characters to a secret's ARN.
        const arns = fn.secrets.map((id) => sub(`arn:\${AWS::Partition}:secretsmanager:\${AWS::Region}:\${AWS::AccountId}:secret:${secretName(service, stage, id)}-??????`));
        statements.push(statement(["secretsmanager:GetSecretValue"], arns));
      }
      statements.push({ "Fn::If": ["TracingEnabled", statement(["xray:PutTraceSegments", "xray:PutTelemetryRecords"], "*"), { Ref: "AWS::NoValue" }] });
      resources[roleId(fn.name)] = {
        Type: "AWS::IAM::Role",
        Properties: {
          AssumeRolePolicyDocument: {
            Version: "2012-10-17",
            Statement: [{ Effect: "Allow", Principal: { Service: ["lambda.amazonaws.com"] }, Action: ["sts:AssumeRole"] }],
          },
          Policies: [{ PolicyName: `${service}-${stage}-${fn.name}`, PolicyDocument: { Version: "2012-10-17", Statement: statements } }],
        },
      };
    }
    return { Resources: resources };
  })();

/** The deployed URL of each endpoint that names an output, e.g. BmWebhookUrl. */
module.exports.outputs = () => {
  const outputs = {};
  for (const { spec } of registry()) {
    if (!spec?.output) continue;
    const path = spec.routes[0].split(" ")[1].replace(/\{[^}]+\}$/, "");
    outputs[spec.output] = {
      Description: spec.description,
      Value: { "Fn::Join": ["", ["https://", { Ref: "HttpApi" }, ".execute-api.", { Ref: "AWS::Region" }, ".", { Ref: "AWS::URLSuffix" }, path]] },
    };
  }
  return outputs;
};
