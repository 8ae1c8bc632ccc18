import { sleep } from "../../session/backoff";
import type { TwoWayOutbound } from "./render";

/** CM refused the request for good (4xx other than 429): retrying cannot help. */
export class TwoWayRejectedError extends Error {
  constructor(
    readonly status: number,
    readonly detail: string,
  ) {
    super(`CM refused the request with HTTP ${status}`);
    this.name = "TwoWayRejectedError";
  }
}

/** A transient failure (429, 5xx, network, timeout) that outlived our retries: the job queue retries later. */
export class TwoWayUnavailableError extends Error {
  constructor(reason: string) {
    super(`CM unreachable after retries: ${reason}`);
    this.name = "TwoWayUnavailableError";
  }
}

/** The per-attempt timeout of a POST to CM unless told otherwise (a job's deadline may shorten it: ./deliver.ts). */
export const CM_TIMEOUT_MS = 8_000;

export interface TwoWayClientOptions {
  /** Delays before the 2nd, 3rd … attempt: 3 attempts within a few seconds by default. */
  retryDelaysMs?: number[];
  timeoutMs?: number;
}

/**
 * POSTs to CM.com with `X-CM-PRODUCTTOKEN`: bot replies to the adapter's outbound URL, and routing-control
 * mutation requests for the bot's own handover. Transient failures are retried with backoff.
 */
export class TwoWayClient {
  private readonly delays: number[];
  private readonly timeoutMs: number;

  constructor(
    private readonly productToken: string,
    options: TwoWayClientOptions = {},
  ) {
    this.delays = options.retryDelaysMs ?? [500, 2_000];
    this.timeoutMs = options.timeoutMs ?? CM_TIMEOUT_MS;
  }

  /** A reply: the ClientTerminated messages, to the adapter's outbound URL. */
  sendReply(outboundUrl: string, body: TwoWayOutbound): Promise<void> {
    return this.post(outboundUrl, body);
  }

  /** Routing control: flip the ruleset so the chat goes to the agent adapter (docs/platforms/twoway.md §5). */
  requestRouting(controlUrl: string, accountId: string, chatId: string, body: unknown): Promise<void> {
    const url = `${controlUrl.replace(/\/$/, "")}/accounts/${encodeURIComponent(accountId)}/chats/${encodeURIComponent(chatId)}/routing/mutationrequests`;
    return this.post(url, body);
  }

  private async post(url: string, body: unknown): Promise<void> {
    let lastReason = "";
    for (let attempt = 0; attempt <= this.delays.length; attempt++) {
      if (attempt > 0) await sleep(this.delays[attempt - 1]!);
      try {
        const res = await fetch(url, {
          method: "POST",
          headers: { "content-type": "application/json", "X-CM-PRODUCTTOKEN": this.productToken },
          body: JSON.stringify(body),
          signal: AbortSignal.timeout(this.timeoutMs),
        });
        const text = await res.text();
        if (res.ok) return;
        if (res.status !== 429 && res.status < 500) throw new TwoWayRejectedError(res.status, text.slice(0, 500));
        lastReason = `HTTP ${res.status}`;
      } catch (err) {
        if (err instanceof TwoWayRejectedError) throw err;
        lastReason = (err as Error).name === "TimeoutError" ? "timeout" : String((err as Error & { cause?: { code?: string } }).cause?.code ?? err);
      }
    }
    throw new TwoWayUnavailableError(lastReason);
  }
}
