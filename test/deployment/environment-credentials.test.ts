import { mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { build } from "esbuild";
import { readBundleConfig } from "../../scripts/bench/bundles";
import { bmTextRequest } from "../platforms/business-messenger/fixtures";
import { bmEvent } from "../support/bm-client";
import { buildFunctionBundle, lambdaEnvironment, startBundleProcess, type BundleProcess } from "../support/lambda-bundle";
import { startTestStore, type TestStore } from "../support/local-dynamo";

/**
 * The packaged functions read AWS credentials from the environment only (serverless.yml's esbuild alias to
 * lib/aws/environment-credentials.ts): the SDK's default chain is not in the bundle, the bundle still talks to
 * DynamoDB with the environment's credentials, and without them it fails at once with an error naming the
 * missing variables, even when a credentials file would have served the full chain.
 */
const ENTRY = "functions/bm-webhook.ts";
/** Strings only the SDK's default chain carries (SSO, ini files, credential_process, web identity, containers). */
const CHAIN_MARKERS = ["fromSSO", "fromIni", "credential-provider-sso", "sso_start_url", "credential_process", "AssumeRoleWithWebIdentity", "AWS_WEB_IDENTITY_TOKEN_FILE", "AWS_CONTAINER_CREDENTIALS_FULL_URI"];
const KEY_ID = "AKIDENVONLY7f3a9c";
const FILE_KEY_ID = "AKIDFROMFILE51e0b2";
const FILE_SECRET = "secret-from-file-c81d4e";

let store: TestStore;
let bundle: { file: string; dispose(): void };
let home: string;
const processes: BundleProcess[] = [];

beforeAll(async () => {
  [store, bundle] = await Promise.all([startTestStore(), buildFunctionBundle(ENTRY)]);
  // A profile the SDK's full chain would find (and use): the bundle must ignore it.
  home = mkdtempSync(join(tmpdir(), "onebot-creds-home-"));
  writeFileSync(join(home, "credentials"), `[default]\naws_access_key_id = ${FILE_KEY_ID}\naws_secret_access_key = ${FILE_SECRET}\n`);
}, 60_000);

afterAll(async () => {
  await Promise.all(processes.map((p) => p.close()));
  bundle?.dispose();
  if (home) rmSync(home, { recursive: true, force: true });
  await store?.close();
});

function start(credentials: Record<string, string>): BundleProcess {
  const fn = startBundleProcess(bundle.file, {
    // Not in Lambda (no AWS_EXECUTION_ENV) on the stage "local": the local default signing key applies.
    ...lambdaEnvironment("bmWebhook", store),
    HOME: home,
    AWS_SHARED_CREDENTIALS_FILE: join(home, "credentials"),
    AWS_CONFIG_FILE: join(home, "config"),
    ...credentials,
  });
  processes.push(fn);
  return fn;
}

let turn = 0;
/** A signed "hi" of a new conversation, as API Gateway hands it to the function. */
function signedHi(): APIGatewayProxyEventV2 {
  turn++;
  return bmEvent(bmTextRequest("hi", { dialogUuid: `creds-dialog-${turn}`, providerMsgID: `creds-msg-${turn}` }), `request-${turn}`);
}

test("the bundle built with serverless.yml's options carries no part of the SDK's default credential chain", async () => {
  const { options } = readBundleConfig();
  const { alias: _alias, ...fullChain } = options;
  const deployed = readFileSync(bundle.file, "utf8");
  const built = await build({ ...fullChain, entryPoints: [join(__dirname, "..", "..", ENTRY)], write: false, logLevel: "silent" });
  const withChain = built.outputFiles[0]!.text;
  // The markers are real: the same build without the alias has every one of them.
  for (const marker of CHAIN_MARKERS) expect({ marker, inFullChain: withChain.includes(marker) }).toEqual({ marker, inFullChain: true });
  for (const marker of CHAIN_MARKERS) expect({ marker, inBundle: deployed.includes(marker) }).toEqual({ marker, inBundle: false });
  expect(deployed).toContain("this bundle reads credentials from the environment only");
  expect(withChain.length - deployed.length).toBeGreaterThan(100_000);
}, 60_000);

test("with the environment's credentials the packaged webhook answers a signed hi (200), its session read and written in the store", async () => {
  // The key id the test tables were made with: Amazon's DynamoDB Local keeps one database per access key id, so
  // there the answer also proves the function signed with the environment's key, not the credentials file's.
  const fn = start({ AWS_ACCESS_KEY_ID: process.env.AWS_ACCESS_KEY_ID!, AWS_SECRET_ACCESS_KEY: "env-secret-2b7d" });
  const answer = await fn.invoke<APIGatewayProxyStructuredResultV2>(signedHi());
  expect(answer.statusCode).toBe(200);
  expect(JSON.parse(answer.body!).messages.length).toBeGreaterThan(0);
}, 30_000);

test("without credentials in the environment it fails at once with an error naming the variables, though a credentials file exists", async () => {
  const fn = start({});
  const started = Date.now();
  const answer = await fn.invoke<APIGatewayProxyStructuredResultV2>(signedHi());
  expect(answer.statusCode).toBe(503); // the store unreachable: the platform retries later
  expect(Date.now() - started).toBeLessThan(3000);
  expect(fn.output()).toMatch(/CredentialsProviderError: no AWS credentials: AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY not set in the environment/);
  expect(fn.output()).not.toContain(FILE_KEY_ID);
}, 30_000);

test("with half the credentials it names only the missing variable and never prints a value", async () => {
  const fn = start({ AWS_ACCESS_KEY_ID: KEY_ID });
  const answer = await fn.invoke<APIGatewayProxyStructuredResultV2>(signedHi());
  expect(answer.statusCode).toBe(503);
  expect(fn.output()).toMatch(/no AWS credentials: AWS_SECRET_ACCESS_KEY not set in the environment/);
  expect(fn.output()).not.toContain(KEY_ID);
}, 30_000);
