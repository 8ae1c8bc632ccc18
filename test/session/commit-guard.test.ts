import { withCommitGuard } from "../../lib/session/commit-guard";
import { TurnAbortedError } from "../../lib/session/errors";
import { readModifyWrite } from "../../lib/session/read-modify-write";

/**
 * The commit guard of a request near its Lambda's timeout: no first commit after the deadline, none at all
 * once the answer left (the signal); but a turn that already committed a side effect (the bank's write)
 * still commits its session write after the deadline, or its retry would redo the side effect.
 */
const versioned = () => {
  const stored = { pk: "x", version: 0 };
  const writes: number[] = [];
  const commit = () =>
    readModifyWrite({
      key: "x",
      maxAttempts: 1,
      read: async () => ({ ...stored }),
      change: (item) => ({ next: item, result: undefined }),
      write: async (next) => (writes.push(next.version), (stored.version = next.version), true),
    });
  return { commit, writes };
};

test("no commit starts after the deadline", async () => {
  const { commit, writes } = versioned();
  await expect(withCommitGuard({ deadline: Date.now() - 1 }, commit)).rejects.toBeInstanceOf(TurnAbortedError);
  expect(writes).toEqual([]);
});

test("a request that committed before its deadline completes its later writes after it (session after bank)", async () => {
  const { commit, writes } = versioned();
  const guard = { deadline: Date.now() + 50 };
  await withCommitGuard(guard, async () => {
    await commit(); // the bank's write, in time
    await new Promise((resolve) => setTimeout(resolve, 80));
    await commit(); // the session write, past the deadline: still written
  });
  expect(writes).toEqual([1, 2]);
});

test("once the answer left (signal aborted), nothing more is written", async () => {
  const { commit, writes } = versioned();
  const abort = new AbortController();
  await expect(
    withCommitGuard({ signal: abort.signal, deadline: Date.now() + 60_000 }, async () => {
      await commit();
      abort.abort();
      await commit();
    }),
  ).rejects.toBeInstanceOf(TurnAbortedError);
  expect(writes).toEqual([1]);
});
