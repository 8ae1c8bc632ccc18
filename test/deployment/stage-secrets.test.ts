import type { APIGatewayProxyEventV2, APIGatewayProxyStructuredResultV2 } from "aws-lambda";
import { bmTextRequest } from "../platforms/business-messenger/fixtures";
import { bmEvent } from "../support/bm-client";
import { buildFunctionBundle, lambdaEnvironment, startBundleProcess, type BundleProcess } from "../support/lambda-bundle";
import { localSecrets } from "../support/local-secrets";
import { startTestStore, type TestStore } from "../support/local-dynamo";
import { startSecretsManagerStandIn, type SecretsManagerStandIn } from "../support/secrets-manager-stand-in";

/**
 * The packaged Business Messenger webhook, run as AWS Lambda runs it (AWS_EXECUTION_ENV set), reads its settings
 * from Secrets Manager (a local stand-in) at run time: no local default ever applies, even on a stage called
 * "local"; a missing secret answers 503 with a log line naming it; a rotated key takes effect within the TTL
 * without a restart; values never reach the logs.
 */
const KEY_1 = "first-signature-key-7c1f9e";
const KEY_2 = "rotated-signature-key-40ad2b";
const TTL_SECONDS = 1;

let store: TestStore;
let sm: SecretsManagerStandIn;
let bundle: { file: string; dispose(): void };
let fn: BundleProcess;

beforeAll(async () => {
  [store, sm, bundle] = await Promise.all([startTestStore(), startSecretsManagerStandIn(), buildFunctionBundle("functions/bm-webhook.ts")]);
  fn = startBundleProcess(bundle.file, {
    // The stage is called "local", yet this is a deployed function: the local defaults must not apply.
    ...lambdaEnvironment("bmWebhook", store),
    AWS_EXECUTION_ENV: "AWS_Lambda_nodejs22.x",
    AWS_ACCESS_KEY_ID: "local",
    AWS_SECRET_ACCESS_KEY: "local",
    AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.endpoint,
    ONEBOT_SECRETS: "bm,ai",
    ONEBOT_SECRETS_PREFIX: "onebot/local/",
    ONEBOT_SECRETS_TTL_SECONDS: String(TTL_SECONDS),
  });
}, 60_000);

afterAll(async () => {
  await fn?.close();
  bundle?.dispose();
  await sm?.close();
  await store?.close();
});

let turn = 0;
/** A signed "hi" of a new conversation, as API Gateway hands it to the function. */
function signedHi(key: string): APIGatewayProxyEventV2 {
  turn++;
  return bmEvent(bmTextRequest("hi", { dialogUuid: `secrets-dialog-${turn}`, providerMsgID: `secrets-msg-${turn}` }), `request-${turn}`, key);
}

const post = (key: string) => fn.invoke<APIGatewayProxyStructuredResultV2>(signedHi(key));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

test("without its secret the deployed function refuses (503, a log line naming the setting), even with the local default key", async () => {
  const answer = await post(localSecrets.BM_SIGNATURE_KEY);
  expect(answer.statusCode).toBe(503);
  expect(JSON.parse(answer.body!)).toEqual({ error: expect.stringContaining("not configured") });
  expect(fn.output()).toMatch(/secret onebot\/local\/bm could not be read \(ResourceNotFoundException\)/);
  expect(fn.output()).toMatch(/BM_SIGNATURE_KEY not set/);
});

test("with its secret set, the key from Secrets Manager signs; the local default does not", async () => {
  sm.secrets.set("onebot/local/bm", JSON.stringify({ BM_SIGNATURE_KEY: KEY_1 }));
  await sleep(TTL_SECONDS * 1000 + 200); // the miss above is not cached, but stay honest about the TTL
  const accepted = await post(KEY_1);
  expect(accepted.statusCode).toBe(200);
  expect(JSON.parse(accepted.body!).messages.length).toBeGreaterThan(0);
  expect((await post(localSecrets.BM_SIGNATURE_KEY)).statusCode).toBe(401);
});

test("within the TTL the function asks Secrets Manager at most once per secret; a rotation takes effect after it, no restart", async () => {
  const before = sm.calls.filter((c) => c === "GetSecretValue").length;
  for (let i = 0; i < 5; i++) expect((await post(KEY_1)).statusCode).toBe(200);
  // bm and ai (missing: a miss is remembered for the TTL too): at most one read of each in this burst.
  expect(sm.calls.filter((c) => c === "GetSecretValue").length - before).toBeLessThanOrEqual(2);

  sm.secrets.set("onebot/local/bm", JSON.stringify({ BM_SIGNATURE_KEY: KEY_2 }));
  await sleep(TTL_SECONDS * 1000 + 200);
  expect((await post(KEY_2)).statusCode).toBe(200);
  expect((await post(KEY_1)).statusCode).toBe(401);
});

test("a secret that is not a JSON object of settings is named in the log and refused; no value is ever logged", async () => {
  sm.secrets.set("onebot/local/bm", "not json");
  await sleep(TTL_SECONDS * 1000 + 200);
  expect((await post(KEY_2)).statusCode).toBe(503);
  expect((await post(KEY_2)).statusCode).toBe(503);
  expect(fn.output()).toMatch(/secret onebot\/local\/bm is not a JSON object/);
  // The cached text is parsed once: one such line for two requests within the TTL.
  expect(fn.output().match(/secret onebot\/local\/bm is not a JSON object/g)).toHaveLength(1);
  expect(fn.output()).not.toContain(KEY_1);
  expect(fn.output()).not.toContain(KEY_2);
});
