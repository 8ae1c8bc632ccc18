/**
 * Polls `url` until it answers 200. Resolves with the milliseconds it took; rejects when `timeoutMs` passes
 * or `signal` aborts (e.g. because the server process exited). Used by `npm start` and end-to-end tests.
 */
export async function waitForHealth(url: string, timeoutMs: number, signal?: AbortSignal): Promise<number> {
  const started = Date.now();
  let last = "no answer yet";
  while (Date.now() - started < timeoutMs) {
    signal?.throwIfAborted();
    try {
      const res = await fetch(url, { signal: AbortSignal.timeout(2000) });
      await res.body?.cancel();
      if (res.status === 200) return Date.now() - started;
      last = `HTTP ${res.status}`;
    } catch (err) {
      const { message, cause } = err as Error & { cause?: { code?: string; message?: string } };
      last = cause?.code ?? cause?.message ?? message; // e.g. ECONNREFUSED rather than "fetch failed"
    }
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`${url} did not answer 200 within ${Math.round(timeoutMs / 1000)} s (last: ${last})`);
}
