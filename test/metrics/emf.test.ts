import { handler as bmWebhook } from "../../functions/bm-webhook";
import { badRequest } from "../../lib/http/errors";
import type { WebhookEvent } from "../../lib/http/middlewares";
import { webhookHandler } from "../../lib/http/webhook";
import { countMetric } from "../../lib/metrics";
import { useRuntime, type Runtime } from "../../lib/runtime";
import { bankBot } from "../../bot";
import { bmTextRequest } from "../platforms/business-messenger/fixtures";
import { startTestStore, type TestStore } from "../support/local-dynamo";
import { startOpenAiStandIn, type OpenAiStandIn } from "../support/openai-standin";
import { bmEvent, captureOutput, emfOf, invoke, lambdaContext, metricValues, type LambdaHandler } from "./support";

/**
 * The EMF lines a platform endpoint writes per invocation, read back from stdout the way CloudWatch reads them.
 * Metrics are off in tests (test/setup-env.ts); this file turns them on before anything publishes
 * (lib/metrics.ts builds its Metrics instance at the first publish).
 */
const disabledBefore = process.env.POWERTOOLS_METRICS_DISABLED;
process.env.POWERTOOLS_METRICS_DISABLED = "false";
afterAll(() => {
  process.env.POWERTOOLS_METRICS_DISABLED = disabledBefore;
});

let store: TestStore;
let ai: OpenAiStandIn;
beforeAll(async () => {
  [store, ai] = await Promise.all([startTestStore(), startOpenAiStandIn()]);
});
afterAll(async () => {
  useRuntime(undefined);
  await Promise.all([store.close(), ai.close()]);
});

let n = 0;
const dialog = () => `metrics-${++n}-${Math.random().toString(36).slice(2, 7)}`;
const install = (rt: Runtime) => (useRuntime(rt), rt);
/** One delivery through the BM function's handler, with its output. */
async function deliver(text: string, dialogUuid: string, messageId: string) {
  let status = 0;
  const lines = await captureOutput(async () => {
    status = (await invoke(bmWebhook as LambdaHandler, bmEvent(bmTextRequest(text, { dialogUuid, providerMsgID: messageId })), lambdaContext(`lambda-${messageId}`))).statusCode ?? 0;
  });
  return { status, lines, bm: metricValues(lines, "bm") };
}

test("a turn emits Turns with the platform dimension, in EMF under the OneBot namespace", async () => {
  install(store.runtime());
  const { status, lines, bm } = await deliver("hi", dialog(), "t-1");
  expect(status).toBe(200);
  expect(bm).toEqual({ Turns: 1 });
  const [doc] = emfOf(lines);
  expect(emfOf(lines)).toHaveLength(1);
  expect(doc!._aws.CloudWatchMetrics[0]).toEqual({ Namespace: "OneBot", Dimensions: [["service", "platform"]], Metrics: [{ Name: "Turns", Unit: "Count" }] });
  expect(doc).toMatchObject({ platform: "bm", Turns: 1 });
  expect(typeof doc!.service).toBe("string");
});

test("the platform's retry of an answered message emits Duplicates, not Turns", async () => {
  install(store.runtime());
  const uuid = dialog();
  expect((await deliver("hi", uuid, "d-1")).bm).toEqual({ Turns: 1 });
  const again = await deliver("hi", uuid, "d-1");
  expect(again.status).toBe(200);
  expect(again.bm).toEqual({ Duplicates: 1 });
});

test("a turn that lost a version race and reran emits Reruns (and one Turn)", async () => {
  const rt = install(store.runtime());
  // Another writer got there first: the first conditional write is refused, as DynamoDB would.
  jest.spyOn(rt.sessions, "save").mockResolvedValueOnce("conflict");
  const { status, bm } = await deliver("hi", dialog(), "r-1");
  expect(status).toBe(200);
  expect(bm).toEqual({ Turns: 1, Reruns: 1 });
});

test("a handover to a human emits Handovers", async () => {
  install(store.runtime());
  const uuid = dialog();
  await deliver("hi", uuid, "h-1");
  expect((await deliver("agent", uuid, "h-2")).bm).toEqual({ Turns: 1, Handovers: 1 });
});

describe("AI", () => {
  const AI_ENV = { AI_MODEL: "acme-small", AI_INSTRUCTIONS: "You are ACME's assistant." };
  beforeEach(() => {
    ai.failures = [];
    install(store.runtime({ userBot: bankBot, env: { ...AI_ENV, AI_BASE_URL: ai.baseUrl } }));
  });
  const askAi = async (uuid: string) => {
    await deliver("hi", uuid, `${uuid}-1`);
    return deliver("When are you open?", uuid, `${uuid}-2`);
  };

  test("an AI answer emits its prompt and completion tokens", async () => {
    const { bm } = await askAi(dialog());
    expect(bm).toEqual({ Turns: 1, AiPromptTokens: 42, AiCompletionTokens: 7 });
  });

  test("an AI failure emits AiFallbacks and no tokens", async () => {
    ai.failures = [400];
    const { status, bm } = await askAi(dialog());
    expect(status).toBe(200);
    expect(bm).toEqual({ Turns: 1, AiFallbacks: 1 });
  });
});

describe("flush per invocation", () => {
  const handler = (fail: boolean) =>
    webhookHandler({
      platform: "test",
      verify: () => undefined,
      handle: async () => {
        countMetric("Turns", 1, { platform: "test" });
        if (fail) throw badRequest("refused after counting");
        return { statusCode: 200, body: "{}" };
      },
    });
  const call = (fail: boolean) => handler(fail)({ headers: {}, body: "{}", isBase64Encoded: false, requestContext: {} } as unknown as WebhookEvent, lambdaContext("flush"));

  test("a request answered 4xx still publishes what it counted", async () => {
    let status = 0;
    const lines = await captureOutput(async () => {
      status = (await call(true)).statusCode;
    });
    expect(status).toBe(400);
    expect(metricValues(lines, "test")).toEqual({ Turns: 1 });
  });

  test("each invocation publishes only its own counts; an invocation that counted nothing writes no EMF", async () => {
    const first = await captureOutput(async () => void (await call(false)));
    const second = await captureOutput(async () => void (await call(false)));
    expect([metricValues(first, "test"), metricValues(second, "test")]).toEqual([{ Turns: 1 }, { Turns: 1 }]);
    const quiet = webhookHandler({ platform: "test", verify: () => undefined, handle: async () => ({ statusCode: 204, body: "" }) });
    const none = await captureOutput(async () => void (await quiet({ headers: {}, requestContext: {} } as unknown as WebhookEvent, lambdaContext("quiet"))));
    expect(emfOf(none)).toEqual([]);
  });
});
