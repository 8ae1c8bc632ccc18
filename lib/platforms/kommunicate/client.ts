import type { KommunicateMessage } from "./render";
import { fitRetries } from "../../jobs/deadline";

export class KommunicateApiError extends Error {
  constructor(
    readonly status: number,
    message: string,
  ) {
    super(message);
    this.name = "KommunicateApiError";
  }
}

/**
 * Kommunicate's Platform API, used only to push an answer that missed the webhook's budget
 * (docs/platforms/kommunicate.md §5: 2019 pages, verify against your tenant). Errors throw, so the job is retried by the queue.
 */
export class KommunicateClient {
  constructor(
    private readonly baseUrl: string,
    private readonly apiKey: string,
    private readonly timeoutMs = 5_000,
  ) {}

  async send(groupId: string, message: KommunicateMessage, fromUserName?: string): Promise<void> {
    const res = await fetch(`${this.baseUrl.replace(/\/$/, "")}/rest/ws/message/v2/send`, {
      method: "POST",
      headers: { "content-type": "application/json", "Api-Key": this.apiKey },
      body: JSON.stringify({
        groupId,
        message: message.message,
        ...(fromUserName ? { fromUserName } : {}),
        // The REST send API wants nested metadata values as JSON strings (unlike webhook replies).
        ...(message.metadata ? { metadata: stringifyNested(message.metadata) } : {}),
      }),
      // Inside a job, never past its deadline (lib/jobs/deadline.ts); a webhook's own call keeps its timeout.
      signal: AbortSignal.timeout(fitRetries({ timeoutMs: this.timeoutMs, retryDelaysMs: [] }, "a Kommunicate send").timeoutMs),
    });
    await res.body?.cancel();
    if (!res.ok) throw new KommunicateApiError(res.status, `Kommunicate send API answered HTTP ${res.status}`);
  }
}

function stringifyNested(metadata: Record<string, unknown>): Record<string, unknown> {
  return Object.fromEntries(Object.entries(metadata).map(([k, v]) => [k, v !== null && typeof v === "object" ? JSON.stringify(v) : v]));
}
