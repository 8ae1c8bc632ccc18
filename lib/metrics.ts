import { logger } from "./log";

/**
 * Counters published as CloudWatch EMF lines (one log line per platform, per invocation). The only dimension
 * besides `service` is `platform`: a handful of values, so alarms and dashboards stay cheap.
 * Never put an id, a user or a message in a dimension.
 *
 * The EMF document is written here, as Powertools Metrics wrote it: the same keys and dimensions, byte for byte,
 * and the same variables (POWERTOOLS_METRICS_NAMESPACE, POWERTOOLS_SERVICE_NAME, POWERTOOLS_METRICS_DISABLED, else
 * off under POWERTOOLS_DEV). For counts that is one JSON line; Powertools Metrics cost 11 KB of every bundle and its
 * share of module load time (issue 16, lean bundles; measured with npm run bench's bundle section).
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
const DEFAULT_NAMESPACE = "OneBot";

// Summed here: one value per name and platform, and dimensions are per line, so metrics of different platforms
// go out in separate lines. Key "" = no platform.
// One buffer per process: concurrent requests (serverless-offline) share it, and a flush publishes all of it.
const pending = new Map<string, Map<MetricName, number>>();

/** Adds `value` to a counter; published by the next publishMetrics(). */
export function countMetric(name: MetricName, value = 1, dimensions: MetricDimensions = {}): void {
  if (!Number.isFinite(value) || value <= 0) return;
  const key = dimensions.platform ?? "";
  const counters = pending.get(key) ?? new Map<MetricName, number>();
  counters.set(name, (counters.get(name) ?? 0) + value);
  pending.set(key, counters);
}

interface EmfConfig {
  namespace: string;
  service: string;
  disabled: boolean;
}
let config: EmfConfig | undefined;

/** Powertools' boolean parsing of these variables: 1/y/yes/t/true/on and 0/n/no/f/false/off; anything else is unset. */
function flag(value: string | undefined): boolean | undefined {
  const v = value?.trim().toLowerCase() ?? "";
  if (["1", "y", "yes", "t", "true", "on"].includes(v)) return true;
  if (["0", "n", "no", "f", "false", "off"].includes(v)) return false;
  return undefined;
}

/** Read on first publish, as the Powertools instance was built then: tests set the variables before. */
function emfConfig(env = process.env): EmfConfig {
  return {
    namespace: env.POWERTOOLS_METRICS_NAMESPACE || DEFAULT_NAMESPACE,
    service: env.POWERTOOLS_SERVICE_NAME || "onebot",
    disabled: flag(env.POWERTOOLS_METRICS_DISABLED) ?? flag(env.POWERTOOLS_DEV) ?? false,
  };
}

/** One EMF document: CloudWatch turns each named value into a metric with the listed dimensions. */
function emfLine({ namespace, service }: EmfConfig, platform: string, counters: Map<MetricName, number>): string {
  const dimensions = platform ? { service, platform } : { service };
  const values = Object.fromEntries(counters);
  return JSON.stringify({
    _aws: {
      Timestamp: Date.now(),
      CloudWatchMetrics: [{ Namespace: namespace, Dimensions: [Object.keys(dimensions)], Metrics: [...counters.keys()].map((Name) => ({ Name, Unit: "Count" })) }],
    },
    ...dimensions,
    ...values,
  });
}

/**
 * Writes what was counted since the last call as EMF lines on stdout, and forgets it. Nothing counted,
 * nothing written. POWERTOOLS_METRICS_DISABLED=true (the tests' default) drops the lines.
 */
export function publishMetrics(): void {
  if (pending.size === 0) return;
  const emf = (config ??= emfConfig());
  const groups = [...pending];
  pending.clear();
  if (emf.disabled) return;
  for (const [platform, counters] of groups) {
    // Metrics never fail the request they describe.
    try {
      process.stdout.write(emfLine(emf, platform, counters) + "\n");
    } catch (err) {
      logger.warn("metrics not published", { platform, error: String(err) });
    }
  }
}
