import { fitRetries, JobDeadlineError, jobTimeLeft, withJobDeadline } from "../../lib/jobs/deadline";
import { KommunicateClient } from "../../lib/platforms/kommunicate/client";
import { LivePersonClient, resetLivePersonCaches } from "../../lib/platforms/liveperson/client";
import { startLivePersonStandIn, type LivePersonStandIn } from "../support/liveperson-standin";
import { startRecordingServer, type RecordingServer } from "../support/recording-server";

/** A client's retry ladder cut to what is left of the job: CM's default is 3 attempts of 8 s with 0.5 s and 2 s between. */
const CM = { timeoutMs: 8_000, retryDelaysMs: [500, 2_000] };

test("outside a job nothing is cut", () => {
  expect(jobTimeLeft()).toBe(Infinity);
  expect(fitRetries(CM, "a POST")).toEqual({ timeoutMs: 8_000, retryDelaysMs: [500, 2_000] });
});

test("every attempt with the wait before it ends by the deadline; too little for one attempt is refused", () => {
  expect(fitRetries(CM, "a POST", 26_500)).toEqual({ timeoutMs: 8_000, retryDelaysMs: [500, 2_000] });
  expect(fitRetries(CM, "a POST", 20_000)).toEqual({ timeoutMs: 8_000, retryDelaysMs: [500] });
  expect(fitRetries(CM, "a POST", 10_000)).toEqual({ timeoutMs: 8_000, retryDelaysMs: [] });
  expect(fitRetries(CM, "a POST", 3_000)).toEqual({ timeoutMs: 3_000, retryDelaysMs: [] });
  expect(() => fitRetries(CM, "a POST", 900)).toThrow(JobDeadlineError);
});

test("inside a job the deadline follows every await of its call tree", async () => {
  const seen = await withJobDeadline(Date.now() + 5_000, async () => {
    await new Promise((r) => setTimeout(r, 10));
    return fitRetries(CM, "a POST");
  });
  expect(seen.timeoutMs).toBeLessThanOrEqual(5_000);
  expect(seen.timeoutMs).toBeGreaterThan(4_000);
  expect(seen.retryDelaysMs).toEqual([]);
});

describe("the platforms' clients inside a job", () => {
  let hung: RecordingServer;
  let lp: LivePersonStandIn;
  beforeAll(async () => {
    // Answers nothing: only the client's own timeout ends a call.
    hung = await startRecordingServer(() => undefined);
    resetLivePersonCaches();
    lp = await startLivePersonStandIn();
  });
  afterAll(async () => {
    await hung.close();
    await lp.close();
  });

  test("a Kommunicate send is cut to the job's deadline (not its own 5 s), and not started without time for it", async () => {
    const client = new KommunicateClient(hung.url, "api-key");
    const started = Date.now();
    await expect(withJobDeadline(Date.now() + 1_500, () => client.send("group-1", { message: "late answer" }))).rejects.toThrow(/abort|timeout/i);
    expect(Date.now() - started).toBeLessThan(3_000);
    const before = hung.requests.length;
    await expect(withJobDeadline(Date.now() + 500, () => client.send("group-1", { message: "late answer" }))).rejects.toThrow(JobDeadlineError);
    expect(hung.requests.length).toBe(before);
  });

  test("a LivePerson call is not started without time for one attempt; outside a job it runs", async () => {
    const client = new LivePersonClient({ accountId: lp.accountId, clientId: lp.clientId, clientSecret: lp.clientSecret, csdsUrl: lp.url }, { retryDelaysMs: [5, 5], timeoutMs: 3_000 });
    await expect(withJobDeadline(Date.now() + 500, () => client.consumerJws("kommunicate:conv-1"))).rejects.toThrow(JobDeadlineError);
    expect(lp.calls).toEqual([]);
    await expect(client.consumerJws("kommunicate:conv-1")).resolves.toEqual(expect.any(String));
    expect(lp.calls.length).toBeGreaterThan(0);
  });
});
