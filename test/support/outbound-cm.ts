import { startRecordingServer, type RecordingServer } from "./recording-server";

/**
 * A local stand-in for CM's TwoWay outbound endpoint that counts what it was sent, per chat: a chat listed in
 * `failing` gets 503 on every POST, one in `slow` waits that long before its 201, one in `hanging` never answers.
 */
export interface OutboundCm extends RecordingServer {
  outboundUrl: string;
  failing: Set<string>;
  slow: Map<string, number>;
  hanging: Set<string>;
  /** Reply texts CM accepted or refused for a chat, in order (every POST counts). */
  textsFor(chatId: string): string[];
  reset(): void;
}

export async function startOutboundCm(): Promise<OutboundCm> {
  const failing = new Set<string>();
  const slow = new Map<string, number>();
  const hanging = new Set<string>();
  const server = await startRecordingServer(async (req, res) => {
    const chatId = (JSON.parse(req.body) as { chat?: { id?: string } }).chat?.id ?? "";
    if (hanging.has(chatId)) return; // the client's timeout ends it
    await new Promise((r) => setTimeout(r, slow.get(chatId) ?? 0));
    if (failing.has(chatId)) return void res.writeHead(503).end();
    res.writeHead(201, { "content-type": "application/json" }).end('{"message":"Message(s) accepted"}');
  });
  const posts = (chatId: string) => server.requests.map((r) => JSON.parse(r.body) as { chat: { id: string }; conversationMessages: Array<{ text: string }> }).filter((b) => b.chat.id === chatId);
  return {
    ...server,
    outboundUrl: `${server.url}/v2/accounts/tl-1/adapters/ad-1`,
    failing,
    slow,
    hanging,
    textsFor: (chatId) => posts(chatId).flatMap((b) => b.conversationMessages.map((m) => m.text)),
    reset: () => {
      server.requests.length = 0;
      failing.clear();
      slow.clear();
      hanging.clear();
    },
  };
}
