import type { ServerResponse } from "node:http";
import { startRecordingServer, type RecordedRequest, type RecordingServer } from "./recording-server";

/**
 * A local OpenAI-compatible chat completions server: records requests, answers with `answer`, and can be
 * slow (`delayMs`) or fail (`failures`: HTTP statuses, consumed in order) on demand. Tests set those
 * three fields on the returned object.
 */
export interface OpenAiStandIn extends RecordingServer {
  baseUrl: string;
  answer: string;
  delayMs: number;
  failures: number[];
  bodies(): Array<{ model: string; max_tokens: number; temperature: number; messages: Array<{ role: string; content: string }> }>;
}

export async function startOpenAiStandIn(): Promise<OpenAiStandIn> {
  let standIn: OpenAiStandIn | undefined;
  const respond = async (req: RecordedRequest, res: ServerResponse) => {
    const { answer, delayMs, failures } = standIn!;
    if (req.path !== "/v1/chat/completions") return void res.writeHead(404).end();
    const failure = failures.shift();
    if (failure) return void res.writeHead(failure, { "content-type": "application/json" }).end(JSON.stringify({ error: { message: "stand-in failure" } }));
    // A slow answer stops waiting when the client gives up, so no timer outlives the test.
    if (delayMs) await new Promise<void>((r) => {
      const timer = setTimeout(r, delayMs);
      res.on("close", () => (clearTimeout(timer), r()));
    });
    if (res.destroyed) return;
    res.writeHead(200, { "content-type": "application/json" }).end(
      JSON.stringify({
        id: "chatcmpl-1",
        object: "chat.completion",
        model: JSON.parse(req.body).model,
        choices: [{ index: 0, message: { role: "assistant", content: answer }, finish_reason: "stop" }],
        usage: { prompt_tokens: 42, completion_tokens: 7, total_tokens: 49 },
      }),
    );
  };
  const server = await startRecordingServer(respond);
  standIn = Object.assign(server, {
    baseUrl: `${server.url}/v1`,
    answer: "We are open 9:00–17:00 on weekdays.",
    delayMs: 0,
    failures: [] as number[],
    bodies: () => server.requests.filter((r) => r.path === "/v1/chat/completions").map((r) => JSON.parse(r.body)),
  });
  return standIn;
}
