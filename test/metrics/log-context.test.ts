import "./on-demand-lambda";
import { handler as bmWebhook } from "../../functions/bm-webhook";
import { logger } from "../../lib/log";
import { useRuntime } from "../../lib/runtime";
import { bmTextRequest } from "../platforms/business-messenger/fixtures";
import { startTestStore, type TestStore } from "../support/local-dynamo";
import { bmEvent, captureOutput, invoke, lambdaContext, type LambdaHandler } from "./support";

/** Every log line of a handler carries the Lambda context (Powertools) and our per-request correlation id. */
let store: TestStore;
beforeAll(async () => {
  store = await startTestStore();
  useRuntime(store.runtime());
});
afterAll(async () => {
  useRuntime(undefined);
  await store.close();
});

test("log lines carry cold_start, function_name, function_request_id and the request's correlationId", async () => {
  const deliver = (messageId: string, awsRequestId: string) =>
    invoke(bmWebhook as LambdaHandler, bmEvent(bmTextRequest("hi", { dialogUuid: `ctx-${messageId}`, providerMsgID: messageId }), `api-${messageId}`), lambdaContext(awsRequestId));
  logger.setLogLevel("INFO");
  let answers: Array<string | undefined> = [];
  const lines = await captureOutput(async () => {
    const first = await deliver("m1", "lambda-req-1");
    const second = await deliver("m2", "lambda-req-2");
    answers = [first, second].map((r) => r.headers?.["x-correlation-id"] as string | undefined);
  }).finally(() => logger.setLogLevel("SILENT"));
  expect(answers).toEqual(["lambda-req-1", "lambda-req-2"]);

  const logs = lines.filter((l) => !("_aws" in l));
  const of = (id: string) => logs.filter((l) => l.correlationId === id);
  expect(of("lambda-req-1").length).toBeGreaterThan(0);
  expect(of("lambda-req-2").length).toBeGreaterThan(0);
  // No line without the context or the correlation id; each carries its own invocation's request id.
  expect(of("lambda-req-1").length + of("lambda-req-2").length).toBe(logs.length);
  for (const [id, cold] of [["lambda-req-1", true], ["lambda-req-2", false]] as const) {
    for (const line of of(id)) {
      expect(line).toMatchObject({ cold_start: cold, function_name: "onebot-test-bm-webhook", function_request_id: id, correlationId: id, platform: "bm" });
    }
  }
});
