import { AiError, chatCompletion } from "../../lib/ai/client";
import { startOpenAiStandIn, type OpenAiStandIn } from "../support/openai-standin";

let ai: OpenAiStandIn;
beforeAll(async () => {
  ai = await startOpenAiStandIn();
});
beforeEach(() => {
  ai.requests.length = 0;
  ai.failures = [];
  ai.delayMs = 0;
});
afterAll(() => ai.close());

const request = (deadlineMs = 3_000) => ({
  baseUrl: `${ai.baseUrl}/`,
  apiKey: "sk-test",
  model: "test-model",
  messages: [{ role: "user" as const, content: "hi" }],
  maxTokens: 50,
  temperature: 0.2,
  deadline: Date.now() + deadlineMs,
});

test("POSTs model, messages, max_tokens and temperature to {base}/chat/completions with the bearer key", async () => {
  const answer = await chatCompletion(request());
  expect(answer).toEqual({ text: "We are open 9:00–17:00 on weekdays.", usage: { prompt_tokens: 42, completion_tokens: 7, total_tokens: 49 }, model: "test-model" });
  expect(ai.requests[0]!.headers.authorization).toBe("Bearer sk-test");
  expect(ai.bodies()[0]).toEqual({ model: "test-model", messages: [{ role: "user", content: "hi" }], max_tokens: 50, temperature: 0.2 });
});

test("429 and 5xx are retried while time is left; other 4xx are not", async () => {
  ai.failures = [429, 503];
  await expect(chatCompletion(request())).resolves.toMatchObject({ text: expect.any(String) });
  expect(ai.requests).toHaveLength(3);
  ai.requests.length = 0;
  ai.failures = [401];
  await expect(chatCompletion(request())).rejects.toMatchObject({ name: "AiError", status: 401 });
  expect(ai.requests).toHaveLength(1);
});

test("an endpoint slower than the deadline gives an AiError at the deadline, not later", async () => {
  ai.delayMs = 5_000;
  const started = Date.now();
  await expect(chatCompletion(request(400))).rejects.toBeInstanceOf(AiError);
  expect(Date.now() - started).toBeLessThan(1_000);
});
