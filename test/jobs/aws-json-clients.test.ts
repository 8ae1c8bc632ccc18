import { execFile } from "node:child_process";
import { createHash } from "node:crypto";
import { readFileSync } from "node:fs";
import { promisify } from "node:util";
import { GetSecretValueCommand as SdkGetSecretValueCommand, SecretsManagerClient as SdkSecretsManagerClient } from "@aws-sdk/client-secrets-manager";
import { SQSClient as SdkSQSClient } from "@aws-sdk/client-sqs";
import { GetSecretValueCommand, SecretsManagerClient } from "../../lib/aws/secrets-manager";
import { SendMessageBatchCommand, SendMessageCommand, SQSClient } from "../../lib/aws/sqs";
import { SqsJobQueue } from "../../lib/jobs/sqs-queue";
import { StoreUnavailableError } from "../../lib/session/errors";
import { buildFunctionBundle } from "../support/lambda-bundle";
import { startRecordingServer, type RecordingServer } from "../support/recording-server";
import { startSecretsManagerStandIn, type SecretsManagerStandIn } from "../support/secrets-manager-stand-in";

/**
 * The deployed bundles' Secrets Manager and SQS clients (lib/aws/secrets-manager.ts, lib/aws/sqs.ts: serverless.yml's
 * esbuild aliases for the SDK's clients) against the same stand-ins as the SDK's own: the same requests on the wire,
 * the same answers and error names, the SDK's retries and its MD5 check of what SQS accepted.
 */
const md5 = (text: string) => createHash("md5").update(text).digest("hex");
const credentials = { accessKeyId: "AKIDTEST", secretAccessKey: "secret", sessionToken: "token" };
let sqs: RecordingServer;
let sm: SecretsManagerStandIn;
/** Answers to come before the normal ones: a status and body each. */
const scripted: Array<[number, object]> = [];
let wrongMd5 = false;

beforeAll(async () => {
  sqs = await startRecordingServer((req, res) => {
    const next = scripted.shift();
    if (next) return void res.writeHead(next[0], { "content-type": "application/x-amz-json-1.0" }).end(JSON.stringify(next[1]));
    const sum = (body: string) => (wrongMd5 ? md5(body + "!") : md5(body));
    if (req.headers["x-amz-target"] === "AmazonSQS.SendMessageBatch") {
      const { Entries } = JSON.parse(req.body) as { Entries: Array<{ Id: string; MessageBody: string }> };
      const Successful = Entries.map((e) => ({ Id: e.Id, MessageId: `m-${e.Id}`, MD5OfMessageBody: sum(e.MessageBody), SequenceNumber: "1" }));
      return void res.writeHead(200, { "content-type": "application/x-amz-json-1.0" }).end(JSON.stringify({ Successful, Failed: [] }));
    }
    const { MessageBody } = JSON.parse(req.body) as { MessageBody: string };
    res.writeHead(200, { "content-type": "application/x-amz-json-1.0" }).end(JSON.stringify({ MessageId: "m-1", MD5OfMessageBody: sum(MessageBody), SequenceNumber: "1" }));
  });
  sm = await startSecretsManagerStandIn();
});
afterAll(async () => {
  await sqs.close();
  await sm.close();
});
afterEach(() => {
  scripted.length = 0;
  wrongMd5 = false;
});

const job = { kind: "kommunicate.late-reply", group: "kommunicate#g1", dedupeId: "key-1", payload: { turn: { conversationId: "g1" } } };
const ours = (maxAttempts = 1) => new SQSClient({ endpoint: sqs.url, region: "eu-central-1", maxAttempts, credentials });
const sdk = () => new SdkSQSClient({ endpoint: sqs.url, region: "eu-central-1", maxAttempts: 1, credentials });
// SqsJobQueue is typed with the SDK's client; ours has the same send() for the two commands it uses.
const queue = (client: SQSClient | SdkSQSClient, url = `${sqs.url}/123456789012/onebot-prod-jobs.fifo`) => new SqsJobQueue(url, client as SdkSQSClient);

test("SQS: SqsJobQueue sends the same SendMessage and SendMessageBatch requests through ours as through the SDK's client, signed", async () => {
  const sent = async (client: SQSClient | SdkSQSClient) => {
    const from = sqs.requests.length;
    await queue(client).enqueue(job);
    await queue(client).enqueueAll([job, { ...job, dedupeId: "key-2" }]);
    return sqs.requests.slice(from);
  };
  const [mine, theirs] = [await sent(ours()), await sent(sdk())];
  expect(mine.map((r) => [r.path, r.headers["x-amz-target"], r.headers["content-type"], JSON.parse(r.body)])).toEqual(
    theirs.map((r) => [r.path, r.headers["x-amz-target"], r.headers["content-type"], JSON.parse(r.body)]),
  );
  for (const r of mine) {
    expect(r.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIDTEST\/\d{8}\/eu-central-1\/sqs\/aws4_request, SignedHeaders=\S*x-amz-target\S*, Signature=[0-9a-f]{64}$/);
    expect(r.headers["x-amz-security-token"]).toBe("token");
  }
});

test("SQS: without an endpoint the queue URL's host is used; AWS_ENDPOINT_URL_SQS wins over it", async () => {
  const client = new SQSClient({ region: "eu-central-1", maxAttempts: 1, credentials });
  const from = sqs.requests.length;
  await expect(client.send(new SendMessageCommand({ QueueUrl: `${sqs.url}/1/q.fifo`, MessageBody: "hi" }))).resolves.toMatchObject({ MessageId: "m-1" });
  expect(sqs.requests.length).toBe(from + 1);
  process.env.AWS_ENDPOINT_URL_SQS = sqs.url;
  try {
    await expect(client.send(new SendMessageCommand({ QueueUrl: "https://sqs.eu-central-1.amazonaws.com/1/q.fifo", MessageBody: "hi" }))).resolves.toMatchObject({ MessageId: "m-1" });
  } finally {
    delete process.env.AWS_ENDPOINT_URL_SQS;
  }
  expect(sqs.requests.length).toBe(from + 2);
});

test("SQS: a 5xx is retried up to maxAttempts, then thrown named after its __type; a 4xx is not retried", async () => {
  scripted.push([500, { __type: "com.amazonaws.sqs#InternalError", message: "boom" }], [503, { __type: "ServiceUnavailable" }]);
  const from = sqs.requests.length;
  await expect(ours(3).send(new SendMessageCommand({ QueueUrl: `${sqs.url}/1/q.fifo`, MessageBody: "hi" }))).resolves.toMatchObject({ MessageId: "m-1" });
  expect(sqs.requests.length).toBe(from + 3);

  scripted.push([500, { __type: "com.amazonaws.sqs#InternalError", message: "boom" }], [500, { __type: "InternalError" }]);
  await expect(ours(2).send(new SendMessageCommand({ QueueUrl: `${sqs.url}/1/q.fifo`, MessageBody: "hi" }))).rejects.toMatchObject({
    name: "InternalError",
    $fault: "server",
    $metadata: { httpStatusCode: 500 },
  });

  scripted.push([400, { __type: "com.amazonaws.sqs#QueueDoesNotExist", message: "no queue" }]);
  const before = sqs.requests.length;
  await expect(ours(3).send(new SendMessageCommand({ QueueUrl: `${sqs.url}/1/q.fifo`, MessageBody: "hi" }))).rejects.toMatchObject({ name: "QueueDoesNotExist", message: "no queue", $fault: "client" });
  expect(sqs.requests.length).toBe(before + 1);
  // Through the queue: any failure is StoreUnavailableError (a 503, the platform delivers again), as with the SDK's client.
  scripted.push([400, { __type: "com.amazonaws.sqs#QueueDoesNotExist", message: "no queue" }]);
  await expect(queue(ours()).enqueue(job)).rejects.toBeInstanceOf(StoreUnavailableError);
});

test("SQS: a message whose MD5OfMessageBody does not match what was sent is an error, as in the SDK's client", async () => {
  wrongMd5 = true;
  await expect(ours().send(new SendMessageCommand({ QueueUrl: `${sqs.url}/1/q.fifo`, MessageBody: "hi" }))).rejects.toThrow("Invalid MD5 checksum on messages: m-1");
  await expect(ours().send(new SendMessageBatchCommand({ QueueUrl: `${sqs.url}/1/q.fifo`, Entries: [{ Id: "0", MessageBody: "a" }] }))).rejects.toThrow("Invalid MD5 checksum on messages: m-0");
  await expect(sdk().send(new (await import("@aws-sdk/client-sqs")).SendMessageCommand({ QueueUrl: `${sqs.url}/1/q.fifo`, MessageBody: "hi" }))).rejects.toThrow();
});

test("Secrets Manager: GetSecretValue answers as the SDK's client does (value, ARN, version, dates) and misses by the same error name", async () => {
  sm.secrets.set("onebot/test/bm", JSON.stringify({ BM_SIGNATURE_KEY: "k" }));
  const mine = new SecretsManagerClient({ endpoint: sm.endpoint, region: "eu-central-1", maxAttempts: 1, credentials });
  const theirs = new SdkSecretsManagerClient({ endpoint: sm.endpoint, region: "eu-central-1", maxAttempts: 1, credentials });
  const { $metadata: _m, ...expected } = await theirs.send(new SdkGetSecretValueCommand({ SecretId: "onebot/test/bm" }));
  expect(await mine.send(new GetSecretValueCommand({ SecretId: "onebot/test/bm" }))).toEqual(expected);
  const missing = async (client: { send(c: never): Promise<unknown> }, command: unknown) => client.send(command as never).then(() => "found", (e: Error) => e.name);
  expect(await missing(mine, new GetSecretValueCommand({ SecretId: "onebot/test/none" }))).toBe("ResourceNotFoundException");
  expect(await missing(theirs, new SdkGetSecretValueCommand({ SecretId: "onebot/test/none" }))).toBe("ResourceNotFoundException");
  mine.destroy();
  theirs.destroy();
});

test("without a region, as with the SDK's clients, making the client works and its call fails (so lib/deployment/secrets.ts logs it)", async () => {
  const saved = [process.env.AWS_REGION, process.env.AWS_DEFAULT_REGION];
  delete process.env.AWS_REGION;
  delete process.env.AWS_DEFAULT_REGION;
  try {
    const client = new SecretsManagerClient({ endpoint: sm.endpoint, maxAttempts: 3, credentials });
    await expect(client.send(new GetSecretValueCommand({ SecretId: "onebot/test/bm" }))).rejects.toThrow("Region is missing");
  } finally {
    ["AWS_REGION", "AWS_DEFAULT_REGION"].forEach((name, i) => (saved[i] === undefined ? delete process.env[name] : (process.env[name] = saved[i])));
  }
});

test("bundled as deployed (serverless.yml's esbuild options): SqsJobQueue carries our SQS client, not the SDK's, and enqueues with Lambda's environment credentials", async () => {
  const bundle = await buildFunctionBundle("lib/jobs/sqs-queue.ts");
  try {
    const code = readFileSync(bundle.file, "utf8");
    expect(code).not.toContain("com.amazonaws.sqs#"); // the SDK client's schemas and errors
    const script = `const { SqsJobQueue } = require(process.argv[1]);
      new SqsJobQueue(process.argv[2]).enqueueAll(JSON.parse(process.argv[3])).then(() => process.stdout.write("ok"), (e) => process.stdout.write("ERROR " + e.message + " " + (e.cause && e.cause.message)));`;
    const from = sqs.requests.length;
    const env = { PATH: process.env.PATH ?? "", HOME: "/nonexistent", AWS_REGION: "eu-central-1", AWS_ACCESS_KEY_ID: "ASIABUNDLE", AWS_SECRET_ACCESS_KEY: "s", AWS_SESSION_TOKEN: "t" };
    const { stdout } = await promisify(execFile)(process.execPath, ["-e", script, bundle.file, `${sqs.url}/123456789012/q.fifo`, JSON.stringify([job, { ...job, dedupeId: "key-2" }])], { env });
    expect(stdout).toBe("ok");
    const [request] = sqs.requests.slice(from);
    expect(request!.headers["x-amz-target"]).toBe("AmazonSQS.SendMessageBatch");
    expect(request!.headers.authorization).toMatch(/^AWS4-HMAC-SHA256 Credential=ASIABUNDLE\/\d{8}\/eu-central-1\/sqs\/aws4_request/);
    expect(request!.headers["x-amz-security-token"]).toBe("t");
  } finally {
    bundle.dispose();
  }
});
