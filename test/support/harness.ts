import { useRuntime } from "../../lib/runtime";
import { startLocalApi, type LocalApi } from "./api-gateway";
import { startTestStore, type TestStore } from "./local-dynamo";

type Routes = Parameters<typeof startLocalApi>[0];

/**
 * The setup every integration test file shares: a real embedded DynamoDB with fresh tables and the
 * given handlers behind a loopback API Gateway stand-in, started before the file's tests and closed
 * after them (with the installed runtime removed). Use `h.store` and `h.api` inside tests and hooks.
 */
export function useHarness(routes: Routes): { store: TestStore; api: LocalApi } {
  const h = {} as { store: TestStore; api: LocalApi };
  beforeAll(async () => {
    h.store = await startTestStore();
    h.api = await startLocalApi(routes);
  });
  afterAll(async () => {
    useRuntime(undefined);
    await h.api.close();
    await h.store.close();
  });
  return h;
}
