import { Metrics, MetricUnit } from "@aws-lambda-powertools/metrics";
import { logger } from "./log";

/**
 * Counters published as CloudWatch EMF lines (one log line per platform, per invocation). The only dimension
 * besides Powertools' `service` is `platform`: a handful of values, so alarms and dashboards stay cheap.
 * Never put an id, a user or a message in a dimension.
 */
export type MetricName =
  /** A turn the engine ran (answered or silent), not counting duplicates. */
  | "Turns"
  /** A platform's retry of a message already answered: the recorded answer was sent again. */
  | "Duplicates"
  /** A turn re-read and rerun after losing an optimistic-concurrency race. */
  | "Reruns"
  /** A conversation handed to a human. */
  | "Handovers"
  | "AiPromptTokens"
  | "AiCompletionTokens"
  /** The AI failed or timed out and the fallback message was sent. */
  | "AiFallbacks"
  /** A job that failed for good. */
  | "DeadLetters";

export interface MetricDimensions {
  platform?: string;
}

/** Namespace for our metrics; POWERTOOLS_METRICS_NAMESPACE overrides it per stage. */
export const DEFAULT_NAMESPACE = "OneBot";

// Summed here rather than in Powertools: one value per name and platform, and Powertools' dimensions are
// per flush, so metrics of different platforms must go out in separate lines. Key "" = no platform.
// One buffer per process: concurrent requests (serverless-offline) share it, and a flush publishes all of it.
const pending = new Map<string, Map<MetricName, number>>();
let instance: Metrics | undefined;

/** Adds `value` to a counter; published by the next publishMetrics(). */
export function countMetric(name: MetricName, value = 1, dimensions: MetricDimensions = {}): void {
  if (!Number.isFinite(value) || value <= 0) return;
  const key = dimensions.platform ?? "";
  const counters = pending.get(key) ?? new Map<MetricName, number>();
  counters.set(name, (counters.get(name) ?? 0) + value);
  pending.set(key, counters);
}

/**
 * Writes what was counted since the last call as EMF lines on stdout, and forgets it. Nothing counted,
 * nothing written. POWERTOOLS_METRICS_DISABLED=true (the tests' default) drops the lines.
 */
export function publishMetrics(): void {
  if (pending.size === 0) return;
  // Built on first use: a function that never counts builds nothing, and the environment is read then.
  const metrics = (instance ??= new Metrics({
    namespace: process.env.POWERTOOLS_METRICS_NAMESPACE || DEFAULT_NAMESPACE,
    serviceName: process.env.POWERTOOLS_SERVICE_NAME || "onebot",
    logger,
  }));
  const groups = [...pending];
  pending.clear();
  for (const [platform, counters] of groups) {
    // Metrics never fail the request they describe.
    try {
      if (platform) metrics.addDimension("platform", platform);
      for (const [name, value] of counters) metrics.addMetric(name, MetricUnit.Count, value);
      metrics.publishStoredMetrics();
    } catch (err) {
      metrics.clearMetrics();
      metrics.clearDimensions();
      logger.warn("metrics not published", { platform, error: String(err) });
    }
  }
}
