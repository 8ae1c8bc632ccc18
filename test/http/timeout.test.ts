import type { APIGatewayProxyStructuredResultV2, Context } from "aws-lambda";
import { handler as bmWebhook } from "../../functions/bm-webhook";
import { handler as engageApi } from "../../functions/engage-api";
import { bankBot } from "../../bot";
import { AccountStore } from "../../bot/accounts";
import { localSecrets } from "../support/local-secrets";
import { say } from "../../lib/conversation";
import { defineBot } from "../../lib/engine/bot";
import { signBmBody } from "../../lib/platforms/business-messenger/verify";
import type { WebhookEvent } from "../../lib/http/middlewares";
import { useRuntime, type Runtime } from "../../lib/runtime";
import { bmTextRequest } from "../platforms/business-messenger/fixtures";
import { startTestStore, type TestStore } from "../support/local-dynamo";

/**
 * When the Lambda is about to time out, the caller gets 503 with Retry-After (never a 500), and the turn
 * whose answer did not leave commits nothing afterwards: no session write, no bank write. The handlers are
 * called as Lambda calls them, with a context whose remaining time is short, and a slow bot or store.
 */
let store: TestStore;
beforeAll(async () => {
  store = await startTestStore();
});
afterAll(async () => {
  useRuntime(undefined);
  await store.close();
});

const SLOW_MS = 2_000;
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));
const lambdaContext = (remainingMs: number): Context => {
  const end = Date.now() + remainingMs;
  return { awsRequestId: `req-${Math.random()}`, getRemainingTimeInMillis: () => end - Date.now() } as unknown as Context;
};
let n = 0;
const unique = (prefix: string) => `${prefix}-${++n}-${Math.random().toString(36).slice(2, 7)}`;

/** An API Gateway event as the Lambda gets it (rawBody is added by the rawBody middleware). */
function event(method: string, path: string, body: string, headers: Record<string, string>, pathParameters?: Record<string, string>): WebhookEvent {
  return {
    version: "2.0",
    routeKey: `${method} ${path}`,
    rawPath: path,
    rawQueryString: "",
    headers: { "content-type": "application/json", ...headers },
    requestContext: { http: { method, path, protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: "test" }, requestId: unique("api") },
    body,
    isBase64Encoded: false,
    ...(pathParameters ? { pathParameters } : {}),
  } as unknown as WebhookEvent;
}

const engageTransfer = (userId: string, extra: Record<string, unknown> = {}) =>
  event(
    "POST",
    "/engage/transfer",
    JSON.stringify({ amount: 100, destination: "Bob", accountType: "savings_account", transactionSuccess: "ok", transactionNoMoney: "no", userId, ...extra }),
    { authorization: `Bearer ${localSecrets.ENGAGE_API_TOKEN}` },
    { action: "transfer" },
  );

/** The store answers the account reads SLOW_MS late. */
function slowAccounts(rt: Runtime) {
  rt.doc.middlewareStack.add(
    (next, context) => async (args) => {
      if (String(context.commandName).startsWith("Get") && JSON.stringify(args.input).includes("account#")) await sleep(SLOW_MS);
      return next(args);
    },
    { step: "initialize", name: "slowAccounts" },
  );
}

function expect503(res: APIGatewayProxyStructuredResultV2) {
  expect(res.statusCode).toBe(503);
  expect(res.headers?.["retry-after"]).toBe("1");
  expect(res.headers?.["content-type"]).toMatch(/json/);
  expect(JSON.parse(res.body!)).toEqual({ error: expect.any(String) });
}

test("an Engage transfer on a slow store: 503 with Retry-After before the Lambda's end, and no money moves afterwards", async () => {
  const rt = store.runtime({ userBot: bankBot });
  slowAccounts(rt);
  useRuntime(rt);
  const who = unique("slow-store");
  const started = Date.now();
  // No requestId: a retry is a new transfer, so the first one must not land after its answer failed.
  const res = (await engageApi(engageTransfer(who, { sessionId: `s-${who}` }), lambdaContext(1_500))) as APIGatewayProxyStructuredResultV2;
  expect(Date.now() - started).toBeLessThan(1_500);
  expect503(res);
  await sleep(SLOW_MS + 500 - (Date.now() - started));
  const accounts = new AccountStore(store.runtime().botStore);
  expect((await accounts.accounts(who)).savings.balance).toBe(5000);
  expect(await rt.sessions.load("engage", `s-${who}`, Date.now())).toBeUndefined();
});

test("a BM turn with a slow bot: 503 with Retry-After, and the session is not written afterwards", async () => {
  const bot = defineBot({ initial: "slow", defaultState: "slow", states: { slow: async () => (await sleep(SLOW_MS), { messages: [say("late")] }) } });
  const rt = store.runtime({ bot });
  useRuntime(rt);
  const dialogUuid = unique("slow-bot");
  const raw = JSON.stringify(bmTextRequest("hi", { dialogUuid, providerMsgID: "m1" }));
  const started = Date.now();
  const res = (await bmWebhook(event("POST", "/bm/webhook", raw, { "x-bm-signature": signBmBody(raw, localSecrets.BM_SIGNATURE_KEY) }), lambdaContext(1_500))) as APIGatewayProxyStructuredResultV2;
  expect503(res);
  expect(res.headers?.["x-correlation-id"]).toBeDefined();
  await sleep(SLOW_MS + 500 - (Date.now() - started));
  expect(await rt.sessions.load("bm", dialogUuid, Date.now())).toBeUndefined();
});

test("with time to spare, a turn commits and answers as usual", async () => {
  const rt = store.runtime({ userBot: bankBot });
  useRuntime(rt);
  const who = unique("in-time");
  const res = (await engageApi(engageTransfer(who), lambdaContext(20_000))) as APIGatewayProxyStructuredResultV2;
  expect(res.statusCode).toBe(200);
  expect(JSON.parse(res.body!).session.data.amount).toBe(4900);
});
