import { createServer, type IncomingMessage, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import type { APIGatewayProxyEventV2, APIGatewayProxyResultV2, Context } from "aws-lambda";

/**
 * A loopback stand-in for API Gateway's HTTP API (payload 2.0): real HTTP in, a Lambda event to the
 * handler, its result back as the HTTP answer. Tests talk to it with fetch, like a platform would.
 */
type Handler = (event: APIGatewayProxyEventV2, context: Context) => Promise<APIGatewayProxyResultV2>;

export interface LocalApi {
  url: string;
  close(): Promise<void>;
}

export async function startLocalApi(routes: Record<string, Handler>): Promise<LocalApi> {
  const server: Server = createServer(async (req, res) => {
    const url = new URL(req.url ?? "/", "http://localhost");
    const match = matchRoute(routes, req.method ?? "GET", url.pathname);
    if (!match) {
      res.writeHead(404, { "content-type": "application/json" }).end(JSON.stringify({ message: "Not Found" }));
      return;
    }
    const body = await readBody(req);
    const result = await match.handler({ ...toEvent(req, url, body), ...(match.params ? { pathParameters: match.params } : {}) }, {} as Context);
    const structured = typeof result === "string" ? { statusCode: 200, body: result } : result;
    res.writeHead(structured.statusCode ?? 200, (structured.headers ?? {}) as Record<string, string>);
    res.end(structured.isBase64Encoded ? Buffer.from(structured.body ?? "", "base64") : (structured.body ?? ""));
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Routes are "METHOD /path" with optional `{name}` segments, as in serverless.yml. */
function matchRoute(routes: Record<string, Handler>, method: string, path: string) {
  for (const [key, handler] of Object.entries(routes)) {
    const [m, pattern] = key.split(" ");
    if (m !== method) continue;
    const names: string[] = [];
    const regex = new RegExp(`^${pattern!.replace(/\{(\w+)\}/g, (_, name: string) => (names.push(name), "([^/]+)"))}$`);
    const found = regex.exec(path);
    if (!found) continue;
    const params = names.length ? Object.fromEntries(names.map((n, i) => [n, decodeURIComponent(found[i + 1]!)])) : undefined;
    return { handler, params };
  }
  return undefined;
}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks)));
    req.on("error", reject);
  });
}

let requestCounter = 0;

/** Like API Gateway: lowercase headers; a body that is not UTF-8 text arrives base64-encoded. */
function toEvent(req: IncomingMessage, url: URL, body: Buffer): APIGatewayProxyEventV2 {
  const headers = Object.fromEntries(
    Object.entries(req.headers).map(([k, v]) => [k.toLowerCase(), Array.isArray(v) ? v.join(",") : (v ?? "")]),
  );
  const text = body.toString("utf8");
  const binary = !Buffer.from(text, "utf8").equals(body);
  const requestId = `test-${++requestCounter}`;
  return {
    version: "2.0",
    routeKey: `${req.method} ${url.pathname}`,
    rawPath: url.pathname,
    rawQueryString: url.search.slice(1),
    headers,
    queryStringParameters: url.search ? Object.fromEntries(url.searchParams) : undefined,
    requestContext: {
      accountId: "local",
      apiId: "local",
      domainName: "localhost",
      domainPrefix: "localhost",
      http: { method: req.method ?? "GET", path: url.pathname, protocol: "HTTP/1.1", sourceIp: "127.0.0.1", userAgent: headers["user-agent"] ?? "" },
      requestId,
      routeKey: `${req.method} ${url.pathname}`,
      stage: "$default",
      time: new Date().toISOString(),
      timeEpoch: Date.now(),
    },
    body: body.length ? (binary ? body.toString("base64") : text) : undefined,
    isBase64Encoded: binary,
  } as APIGatewayProxyEventV2;
}
