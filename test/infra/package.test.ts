import { execFileSync } from "node:child_process";
import { basename, join } from "node:path";
import { buildSync } from "esbuild";
import { readBundleConfig } from "../../scripts/bench/bundles";
import { functionFile, functionName } from "../../lib/platforms/platform";
import { platforms } from "../../lib/platforms/registry";
import { LEAK, packagedService } from "../support/packaged-template";

/**
 * `serverless package --stage prod` runs offline (no AWS credentials) and yields the deployment we intend:
 * the routes, the tables with TTL, nodejs22.x, least-privilege IAM, no baked-in secrets, bundles within budget.
 */
const ROOT = join(__dirname, "..", "..");
/** The packaged service's folder (zips and templates), shared with the other tests of the run that read it. */
let OUT: string;

type Resource = { Type: string; Properties: Record<string, any> };
let resources: Record<string, Resource>;
let outputs: Record<string, { Value: unknown }>;
let templateText: string;

const ofType = (type: string) => Object.entries(resources).filter(([, r]) => r.Type === type);

// Packaged once per run (test/support/packaged-template.ts): no AWS_* at all (proves `package` needs no
// credentials), and secrets in the shell (LEAK) that must not reach the template.
beforeAll(async () => {
  const packaged = await packagedService();
  OUT = packaged.dir;
  templateText = packaged.templateText;
  resources = packaged.template.Resources as Record<string, Resource>;
  outputs = packaged.template.Outputs as Record<string, { Value: unknown }>;
}, 240_000);

/** Every endpoint of every registered platform, as [platform, endpoint name, spec]. */
const endpoints = platforms.flatMap((platform) => Object.entries(platform.endpoints).map(([name, spec]) => [platform, name, spec] as const));
const CORE_HANDLERS = ["functions/health.handler", "functions/job-worker.handler"];

test("the registry names the routes INTERFACE.md fixes", () => {
  const routes = endpoints.flatMap(([, , spec]) => spec.routes);
  const fixed = ["POST /bm/webhook", "POST /bm/debug", "POST /kommunicate/webhook", "POST /twoway/messages", "POST /twoway/handover", "POST /twoway/events", "POST /liveperson/webhook"];
  expect(routes).toEqual(expect.arrayContaining([...fixed, ...["GET", "POST", "PUT", "PATCH", "DELETE"].map((m) => `${m} /engage/{action}`)]));
});

test.each(["GET /health", ...endpoints.flatMap(([, , spec]) => spec.routes)])("route %s exists", (routeKey) => {
  const keys = ofType("AWS::ApiGatewayV2::Route").map(([, r]) => r.Properties.RouteKey);
  expect(keys).toContain(routeKey);
});

test("both tables exist with TTL on expiresAt", () => {
  const tables = Object.fromEntries(ofType("AWS::DynamoDB::Table"));
  expect(Object.keys(tables).sort()).toEqual(["EventsTable", "SessionsTable"]);
  expect(tables.SessionsTable!.Properties.TableName).toBe("onebot-prod-sessions");
  expect(tables.EventsTable!.Properties.TableName).toBe("onebot-prod-events");
  for (const table of Object.values(tables)) {
    expect(table.Properties.TimeToLiveSpecification).toEqual({ AttributeName: "expiresAt", Enabled: true });
  }
});

test("every function runs nodejs22.x on arm64 with the table names as literal strings", () => {
  const fns = ofType("AWS::Lambda::Function");
  const registered = endpoints.map(([platform, name]) => functionFile(platform, name).replace(/\.ts$/, ".handler"));
  expect(fns.map(([, f]) => f.Properties.Handler).sort()).toEqual([...registered, ...CORE_HANDLERS].sort());
  for (const [, fn] of fns) {
    expect(fn.Properties.Runtime).toBe("nodejs22.x");
    expect(fn.Properties.Architectures).toEqual(["arm64"]);
    expect(fn.Properties.Environment.Variables).toMatchObject({
      BOT_STAGE: "prod",
      SESSIONS_TABLE: "onebot-prod-sessions",
      EVENTS_TABLE: "onebot-prod-events",
    });
  }
});

test("IAM allows only the DynamoDB item calls on the two tables and the job queue's calls on it (plus logs)", () => {
  const roles = ofType("AWS::IAM::Role");
  expect(roles).toHaveLength(1);
  const role = roles[0]![1].Properties;
  expect(role.ManagedPolicyArns ?? []).toEqual([]);
  expect(ofType("AWS::IAM::Policy")).toEqual([]);
  const statements = role.Policies.flatMap((p: any) => p.PolicyDocument.Statement);
  const logActions = ["logs:CreateLogGroup", "logs:CreateLogStream", "logs:PutLogEvents", "logs:TagResource"];
  const dynamoActions = ["dynamodb:GetItem", "dynamodb:PutItem"];
  const sqsActions = ["sqs:SendMessage", "sqs:ReceiveMessage", "sqs:DeleteMessage", "sqs:GetQueueAttributes"];
  const granted = new Set<string>();
  for (const s of statements) {
    expect(s.Effect).toBe("Allow");
    expect(s.NotAction ?? s.NotResource).toBeUndefined();
    const actions: string[] = [s.Action].flat();
    const res: unknown[] = [s.Resource].flat();
    expect(res).not.toContain("*");
    actions.forEach((a) => granted.add(a));
    if (actions.some((a) => a.startsWith("dynamodb:"))) {
      expect([...actions].sort()).toEqual(dynamoActions);
      expect(res).toEqual([{ "Fn::GetAtt": ["SessionsTable", "Arn"] }, { "Fn::GetAtt": ["EventsTable", "Arn"] }]);
    } else if (actions.some((a) => a.startsWith("sqs:"))) {
      // Send (our statement) and the worker's receive/delete (added by the sqs event), on the job queue only.
      for (const a of actions) expect(sqsActions).toContain(a);
      expect(res).toEqual([{ "Fn::GetAtt": ["JobsQueue", "Arn"] }]);
    } else {
      for (const a of actions) expect(logActions).toContain(a);
      for (const r of res) expect(JSON.stringify(r)).toContain(":log-group:/aws/lambda/onebot-prod");
    }
  }
  expect([...granted].filter((a) => a.startsWith("dynamodb:")).sort()).toEqual(dynamoActions);
});

test("no secret is baked into the template", () => {
  for (const [, fn] of ofType("AWS::Lambda::Function")) {
    expect(fn.Properties.Environment.Variables.BM_SIGNATURE_KEY).toBe("");
    expect(fn.Properties.Environment.Variables.BM_SIGNATURE_ENCODING).toBe("");
    expect(fn.Properties.Environment.Variables.ENGAGE_API_TOKEN).toBe("");
    expect(fn.Properties.Environment.Variables.KOMMUNICATE_WEBHOOK_SECRET).toBe("");
    expect(fn.Properties.Environment.Variables.KOMMUNICATE_API_KEY).toBe("");
    expect(fn.Properties.Environment.Variables.TWOWAY_WEBHOOK_SECRET).toBe("");
    expect(fn.Properties.Environment.Variables.CM_PRODUCT_TOKEN).toBe("");
    expect(fn.Properties.Environment.Variables.LP_CLIENT_SECRET).toBe("");
    expect(fn.Properties.Environment.Variables.AI_API_KEY).toBe("");
  }
  expect(templateText).not.toContain(LEAK);
  expect(templateText).not.toContain("local-bm-signature-key");
  expect(templateText).not.toContain("local-engage-api-token");
});

test("outputs give the API base URL and the webhook URLs on the HttpApi", () => {
  const registered = endpoints.flatMap(([, , spec]) => (spec.output ? [spec.output] : []));
  expect(registered).toEqual(expect.arrayContaining(["BmWebhookUrl", "BmDebugUrl", "EngageApiUrl", "KommunicateWebhookUrl", "TwoWayMessagesUrl", "TwoWayHandoverUrl", "TwoWayEventsUrl", "LivePersonWebhookUrl"]));
  expect(Object.keys(outputs)).toEqual(expect.arrayContaining(["HttpApiUrl", "JobsDeadLetterQueueUrl", ...registered]));
  expect(JSON.stringify(outputs.BmWebhookUrl!.Value)).toMatch(/"Ref":"HttpApi".*\/bm\/webhook/);
  expect(resources.HttpApi?.Type).toBe("AWS::ApiGatewayV2::Api");
});

test("the job queue is FIFO, feeds the worker with partial-batch failures, and dead-letters after 5 tries", () => {
  const queue = resources.JobsQueue!.Properties;
  expect(queue.FifoQueue).toBe(true);
  expect(queue.RedrivePolicy).toEqual({ deadLetterTargetArn: { "Fn::GetAtt": ["JobsDeadLetterQueue", "Arn"] }, maxReceiveCount: 5 });
  expect(resources.JobsDeadLetterQueue!.Properties.FifoQueue).toBe(true);
  const [[, mapping]] = ofType("AWS::Lambda::EventSourceMapping") as [[string, Resource]];
  expect(mapping.Properties.EventSourceArn).toEqual({ "Fn::GetAtt": ["JobsQueue", "Arn"] });
  expect(mapping.Properties.FunctionResponseTypes).toEqual(["ReportBatchItemFailures"]);
  const worker = ofType("AWS::Lambda::Function").find(([, f]) => f.Properties.Handler === "functions/job-worker.handler")![1];
  expect(queue.VisibilityTimeout).toBeGreaterThanOrEqual(6 * worker.Properties.Timeout);
  for (const [, fn] of ofType("AWS::Lambda::Function")) {
    expect(fn.Properties.Environment.Variables.JOBS_QUEUE_URL).toEqual({ Ref: "JobsQueue" });
  }
});

// Issue 9's bundle budget, on the zips as deployed: no function's code over 500 KB, nor over 1.5 times a
// bundle holding only the DynamoDB client built with the same options (npm run bench reports the figures).
test("each function's bundle is at most 500 KB and 1.5 times the DynamoDB-client-only floor", () => {
  const { options } = readBundleConfig();
  const floor = buildSync({ ...options, entryPoints: [join(ROOT, "scripts", "bench", "floor-handler.ts")], write: false, logLevel: "silent" }).outputFiles[0]!.contents.length;
  expect(floor).toBeGreaterThan(200_000); // sanity: the SDK client really is in it
  const fns = ofType("AWS::Lambda::Function");
  expect(fns.length).toBeGreaterThanOrEqual(10);
  for (const [name, fn] of fns) {
    const zip = join(OUT, basename(fn.Properties.Code.S3Key as string));
    // `unzip -l`: "length date time name" per entry; the function's code is its one .js file.
    const listing = execFileSync("unzip", ["-l", zip], { encoding: "utf8" });
    const js = listing.split("\n").map((line) => /^\s*(\d+)\s+\S+\s+\S+\s+(\S+\.js)$/.exec(line)).filter((m) => m !== null);
    expect({ name, files: js.length }).toEqual({ name, files: 1 });
    const bytes = Number(js[0]![1]);
    expect({ name, bytes, overBudget: bytes > 500_000 || bytes > 1.5 * floor }).toEqual({ name, bytes, overBudget: false });
  }
});

// Only the job worker sees the registry: an endpoint's bundle holds its own platform, not the others'.
test("each platform function's bundle holds its own platform only", () => {
  const bundle = (fnName: string) => {
    const [, fn] = ofType("AWS::Lambda::Function").find(([logicalId]) => logicalId.toLowerCase() === `${fnName.toLowerCase()}lambdafunction`)!;
    return execFileSync("unzip", ["-p", join(OUT, basename(fn.Properties.Code.S3Key as string))], { encoding: "utf8", maxBuffer: 8 * 1024 * 1024 });
  };
  for (const [platform, name] of endpoints) {
    const code = bundle(functionName(platform, name));
    const others = endpoints.filter(([p]) => p.id !== platform.id).map(([, , spec]) => spec.description);
    expect({ fn: functionName(platform, name), foreign: others.filter((text) => code.includes(text)) }).toEqual({ fn: functionName(platform, name), foreign: [] });
  }
});
