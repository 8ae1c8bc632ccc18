import { countMetric, publishMetrics } from "../../lib/metrics";
import { captureOutput } from "./support";

/** Tests run with POWERTOOLS_METRICS_DISABLED=true (test/setup-env.ts): counting and publishing write nothing. */
test("with metrics disabled, publishing what was counted writes nothing to stdout or stderr", async () => {
  expect(process.env.POWERTOOLS_METRICS_DISABLED).toBe("true");
  const lines = await captureOutput(async () => {
    countMetric("Turns", 1, { platform: "bm" });
    countMetric("DeadLetters");
    publishMetrics();
  });
  expect(lines).toEqual([]);
});
