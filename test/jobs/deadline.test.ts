import { fitRetries, JobDeadlineError, jobTimeLeft, withJobDeadline } from "../../lib/jobs/deadline";

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
