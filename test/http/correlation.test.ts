import type { APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import type { WebhookEvent } from "../../lib/http/middlewares";
import { json } from "../../lib/http/responses";
import { webhookHandler } from "../../lib/http/webhook";

/** Concurrent requests through one handler (serverless-offline runs them in one process) each echo their own id. */
test("each of two overlapping requests answers its own x-correlation-id", async () => {
  let release!: () => void;
  const gate = new Promise<void>((resolve) => (release = resolve));
  const handler = webhookHandler({
    platform: "test",
    verify: () => undefined,
    handle: async (event) => {
      if (event.body === "slow") await gate;
      return json(200, {});
    },
  });
  const call = (body: string, awsRequestId: string) =>
    handler({ headers: {}, body, isBase64Encoded: false, requestContext: {} } as unknown as WebhookEvent, { awsRequestId } as Context) as Promise<APIGatewayProxyStructuredResultV2>;
  const slow = call("slow", "req-slow");
  const fast = await call("fast", "req-fast");
  release();
  expect(fast.headers?.["x-correlation-id"]).toBe("req-fast");
  expect((await slow).headers?.["x-correlation-id"]).toBe("req-slow");
});
