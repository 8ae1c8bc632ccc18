/**
 * Where the local stack POSTs TwoWay replies (TWOWAY_OUTBOUND_URL, which `npm start` points at
 * http://127.0.0.1:$CHAT_OUTBOUND_PORT/twoway/outbound): one loopback listener that hands every POSTed body to its
 * subscribers. The terminal chat opens its own; the studio opens one for all its TwoWay conversations.
 */
import { createServer, type IncomingMessage } from "node:http";
import { describeRequest, parseBody } from "./http";
import type { ChatTarget, Exchange } from "./types";

export class OutboundPortError extends Error {}

export interface OutboundBody {
  chat?: { id?: string };
  conversationMessages?: Array<{ text?: string }>;
}

export interface OutboundHub {
  /** Every body POSTed from now on, with its request as the raw view shows it; returns the unsubscribe. */
  subscribe(listener: (body: OutboundBody, exchange: Exchange) => void): () => void;
  close(): Promise<void>;
}

export async function openOutboundHub(target: Pick<ChatTarget, "outbound">): Promise<OutboundHub> {
  const listeners = new Set<(body: OutboundBody, exchange: Exchange) => void>();
  const server = createServer((req, res) => {
    void readBody(req).then((raw) => {
      if (req.method !== "POST" || new URL(req.url ?? "/", "http://x").pathname !== target.outbound.path) {
        res.writeHead(404, { "content-type": "application/json" }).end('{"error":"not found"}');
        return;
      }
      let body: OutboundBody;
      try {
        body = JSON.parse(raw) as OutboundBody;
      } catch {
        res.writeHead(400, { "content-type": "application/json" }).end('{"error":"body is not JSON"}');
        return;
      }
      res.writeHead(200, { "content-type": "application/json" }).end("{}");
      const exchange: Exchange = { at: Date.now(), direction: "outbound", request: describeRequest("POST", target.outbound.url, headerPairs(req), parseBody(raw)), response: { status: 200, body: {} } };
      for (const listener of listeners) listener(body, exchange);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (err: NodeJS.ErrnoException) =>
      reject(
        new OutboundPortError(
          err.code === "EADDRINUSE"
            ? `port ${target.outbound.port} for TwoWay replies is in use: is another \`npm run chat -- twoway\` (or the studio) running? (CHAT_OUTBOUND_PORT moves it, for npm start too)`
            : `cannot listen on ${target.outbound.host}:${target.outbound.port} for TwoWay replies: ${err.message}`,
        ),
      ),
    );
    server.listen(target.outbound.port, target.outbound.host, () => resolve());
  });
  return {
    subscribe(listener) {
      listeners.add(listener);
      return () => void listeners.delete(listener);
    },
    close: () =>
      new Promise((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

const headerPairs = (req: IncomingMessage): [string, string][] => Object.entries(req.headers).map(([name, value]) => [name, String(value)]);

function readBody(req: IncomingMessage): Promise<string> {
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => resolve(Buffer.concat(chunks).toString("utf8")));
    req.on("error", () => resolve(""));
  });
}
