import type { APIGatewayProxyEventV2 } from "aws-lambda";
import { localSecrets } from "./local-secrets";
import { signBmBody } from "../../lib/platforms/business-messenger/verify";

/** Posts to a BM endpoint the way Business Messenger does: raw JSON body, X-BM-Signature over it. */
export async function postBm(
  url: string,
  body: unknown,
  { key = localSecrets.BM_SIGNATURE_KEY, signature }: { key?: string; signature?: string | null } = {},
) {
  const raw = typeof body === "string" || Buffer.isBuffer(body) ? body : JSON.stringify(body);
  const headers: Record<string, string> = { "content-type": "application/json" };
  const sig = signature === undefined ? signBmBody(raw, key) : signature;
  if (sig !== null) headers["x-bm-signature"] = sig;
  const res = await fetch(url, { method: "POST", headers, body: typeof raw === "string" ? raw : new Uint8Array(raw) });
  const text = await res.text();
  let json: unknown;
  try {
    json = text ? JSON.parse(text) : undefined;
  } catch {
    json = undefined;
  }
  return { status: res.status, text, json: json as any, headers: res.headers };
}

/** The texts of a BM answer's bodies (content fields), for readable assertions. */
export const contents = (answer: { messages: Array<{ body: Record<string, unknown> }> }) =>
  answer.messages.map((m) => m.body.content).filter((c): c is string => typeof c === "string");

/** A signed Business Messenger delivery as API Gateway's HTTP API (payload 2.0) hands it to the Lambda. */
export function bmEvent(body: unknown, requestId = "api-req", key: string = localSecrets.BM_SIGNATURE_KEY): APIGatewayProxyEventV2 {
  const raw = JSON.stringify(body);
  return {
    version: "2.0",
    routeKey: "POST /bm/webhook",
    rawPath: "/bm/webhook",
    rawQueryString: "",
    headers: { "content-type": "application/json", "x-bm-signature": signBmBody(raw, key) },
    requestContext: {
      accountId: "123456789012",
      apiId: "api",
      domainName: "api.example.com",
      domainPrefix: "api",
      http: { method: "POST", path: "/bm/webhook", protocol: "HTTP/1.1", sourceIp: "203.0.113.9", userAgent: "bm" },
      requestId,
      routeKey: "POST /bm/webhook",
      stage: "$default",
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
    body: raw,
    isBase64Encoded: false,
  };
}
