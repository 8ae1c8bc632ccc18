import { createServer, type AddressInfo } from "node:net";

/** Listens on `port` (0: any free one) and closes again: resolves with the port bound, rejects as listen does (EADDRINUSE …). */
export function listenOnce(port: number, host: string): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once("error", reject);
    server.listen(port, host, () => {
      const bound = (server.address() as AddressInfo).port;
      server.close(() => resolve(bound));
    });
  });
}

/** A port free on `host` right now. */
export const freePort = (host = "127.0.0.1"): Promise<number> => listenOnce(0, host);
