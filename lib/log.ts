import type { Context } from "aws-lambda";

/**
 * One structured JSON logger for every function. Each request adds the Lambda context (cold_start, function_name,
 * function_request_id), resets the temporary keys and appends its correlation id (see lib/http/middlewares.ts),
 * so every line of a turn can be found together.
 * Level: POWERTOOLS_LOG_LEVEL (tests run SILENT). Never pass secrets or raw bodies to it.
 *
 * The lines are Powertools Logger's (2.35), written here: the same keys in the same order (level, message,
 * timestamp, service, cold_start, function_arn, function_memory_size, function_name, function_request_id,
 * sampling_rate, xray_trace_id, then the appended keys and each call's extras), empty values left out, errors as
 * {name, location, message, stack, cause}, INFO/DEBUG on stdout and WARN/ERROR/CRITICAL on stderr, the same
 * variables (POWERTOOLS_LOG_LEVEL, else LOG_LEVEL; AWS_LAMBDA_LOG_LEVEL, Lambda's own control, wins; POWERTOOLS_DEV
 * indents; sampling_rate is always 0). Checked line for line against Powertools Logger on the same calls; the
 * format is pinned by test/metrics/log-format.test.ts.
 * Powertools Logger cost 18 KB of every bundle, and its load (it builds a Console at load) took the Business
 * Messenger function's module load from 1.45× to 1.78× the floor's (alternating runs, issue 16, lean bundles), for
 * features these functions do not use: debug sampling (POWERTOOLS_LOGGER_SAMPLE_RATE), log buffering, event
 * logging, custom formatters. Timestamps are UTC, as Lambda runs (TZ=:UTC).
 */
const LEVELS = { TRACE: 6, DEBUG: 8, INFO: 12, WARN: 16, ERROR: 20, CRITICAL: 24, SILENT: 28 } as const;
type LevelName = keyof typeof LEVELS;
const RESERVED = ["level", "message", "sampling_rate", "service", "timestamp"];

const isLevel = (name: string | undefined): name is LevelName => !!name && Object.hasOwn(LEVELS, name);
const truthy = (value: string | undefined) => ["1", "y", "yes", "t", "true", "on"].includes(value?.trim().toLowerCase() ?? "");

type Attributes = Record<string, unknown>;

/** Powertools' error shape: name, the first "(file:line:col)" of the stack as location, message, stack, cause, own fields. */
function formatError(error: Error, dev: boolean): Attributes {
  const { name, message, stack, cause, ...rest } = error as Error & { cause?: unknown };
  const location = /\(([^()]*?):(\d+?):(\d+?)\)\\?$/m.exec(stack ?? "");
  return {
    name,
    location: location ? `${location[1]}:${Number(location[2])}` : "",
    message,
    stack: dev && typeof stack === "string" ? stack.split("\n") : stack,
    cause: cause instanceof Error ? formatError(cause, dev) : cause,
    ...rest,
  };
}

/** Errors formatted, bigints as strings, a circular reference dropped (as Powertools' JSON replacer). */
function replacer(dev: boolean): (this: unknown, key: string, value: unknown) => unknown {
  const ancestors: unknown[] = [];
  return function (this: unknown, _key, value) {
    const replaced = value instanceof Error ? formatError(value, dev) : value;
    if (typeof replaced === "bigint") return replaced.toString();
    if (typeof replaced === "object" && replaced !== null) {
      while (ancestors.length > 0 && ancestors.at(-1) !== this) ancestors.pop();
      if (ancestors.includes(replaced)) return undefined;
      ancestors.push(replaced);
    }
    return replaced;
  };
}

export class Logger {
  private readonly serviceName: string;
  private readonly alcLevel: LevelName | undefined;
  /** POWERTOOLS_DEV, read once (as Powertools): lines indented by 4, stacks as arrays of lines. */
  private readonly dev: boolean;
  private threshold: number;
  private coldStart = process.env.AWS_LAMBDA_INITIALIZATION_TYPE?.trim() === "on-demand";
  private context: Attributes | undefined;
  private tenantId: string | undefined;
  private keys: Attributes = {};
  private readonly warnedOnce = new Set<string>();

  constructor(options: { serviceName?: string } = {}) {
    const env = process.env;
    this.serviceName = options.serviceName?.trim() || env.POWERTOOLS_SERVICE_NAME?.trim() || "service_undefined";
    // Names as Powertools reads them: upper case only (`debug` is not a level and leaves INFO).
    this.dev = truthy(env.POWERTOOLS_DEV);
    const alc = env.AWS_LAMBDA_LOG_LEVEL?.trim();
    this.alcLevel = alc === "FATAL" ? "CRITICAL" : isLevel(alc) ? alc : undefined;
    const configured = env.POWERTOOLS_LOG_LEVEL?.trim() || env.LOG_LEVEL?.trim();
    this.threshold = LEVELS[this.alcLevel ?? (isLevel(configured) ? configured : "INFO")];
  }

  /** As Powertools: Lambda's log level control (AWS_LAMBDA_LOG_LEVEL), when set, wins over any level set here. */
  setLogLevel(name: string): void {
    if (this.alcLevel) {
      this.threshold = LEVELS[this.alcLevel];
      if (isLevel(name) && LEVELS[this.alcLevel] > LEVELS[name]) {
        this.warnOnce(`Current log level (${name}) does not match AWS Lambda Advanced Logging Controls minimum log level (${this.alcLevel}). This can lead to data loss, consider adjusting them.`);
      }
      return;
    }
    if (!isLevel(name)) throw new Error(`Invalid log level: ${name}`);
    this.threshold = LEVELS[name];
  }

  /** The Lambda context on every line from now on; cold_start is true once, on an on-demand function's first invocation. */
  addContext(context: Context): void {
    const coldStart = this.coldStart;
    this.coldStart = false;
    this.context = {
      cold_start: coldStart,
      function_arn: context.invokedFunctionArn,
      function_memory_size: context.memoryLimitInMB,
      function_name: context.functionName,
      function_request_id: context.awsRequestId,
    };
    this.tenantId = (context as Context & { tenantId?: string }).tenantId;
  }

  /** Keys on every line until resetKeys() (reserved names are dropped with a warning). */
  appendKeys(attributes: Attributes): void {
    Object.assign(this.keys, this.withoutReserved(attributes));
  }

  resetKeys(): void {
    this.keys = {};
  }

  trace(message: string | Attributes, ...extra: unknown[]): void {
    this.log("TRACE", message, extra);
  }
  debug(message: string | Attributes, ...extra: unknown[]): void {
    this.log("DEBUG", message, extra);
  }
  info(message: string | Attributes, ...extra: unknown[]): void {
    this.log("INFO", message, extra);
  }
  warn(message: string | Attributes, ...extra: unknown[]): void {
    this.log("WARN", message, extra);
  }
  error(message: string | Attributes, ...extra: unknown[]): void {
    this.log("ERROR", message, extra);
  }
  critical(message: string | Attributes, ...extra: unknown[]): void {
    this.log("CRITICAL", message, extra);
  }

  private log(level: LevelName, input: string | Attributes, extra: unknown[]): void {
    if (LEVELS[level] < this.threshold) return;
    const attributes: Attributes = { ...this.keys };
    let message: unknown = input;
    if (typeof input !== "string") {
      const { message: text, ...rest } = input;
      message = text;
      Object.assign(attributes, this.withoutReserved(rest));
    }
    for (const item of extra) {
      if (item === undefined || item === null) continue;
      if (item instanceof Error) attributes.error = item;
      else if (typeof item === "string") attributes.extra = item;
      else Object.assign(attributes, this.withoutReserved(item as Attributes));
    }
    const xray = process.env._X_AMZN_TRACE_ID?.trim() ?? "";
    const line: Attributes = {
      level,
      message,
      timestamp: new Date().toISOString(),
      service: this.serviceName,
      ...this.context,
      sampling_rate: 0,
      xray_trace_id: xray.includes("=") ? /(?:^|;)\s*Root=([^;]*)/.exec(xray)?.[1] : xray,
      tenant_id: this.tenantId,
      ...attributes,
    };
    for (const key of Object.keys(line)) if (line[key] === undefined || line[key] === null || line[key] === "") delete line[key];
    const text = JSON.stringify(line, replacer(this.dev), this.dev ? 4 : 0);
    (LEVELS[level] >= LEVELS.WARN ? process.stderr : process.stdout).write(text + "\n");
  }

  private withoutReserved(attributes: Attributes): Attributes {
    const kept: Attributes = {};
    for (const [key, value] of Object.entries(attributes)) {
      if (RESERVED.includes(key)) this.warn(`The key "${key}" is a reserved key and will be dropped.`);
      else kept[key] = value;
    }
    return kept;
  }

  private warnOnce(message: string): void {
    if (this.warnedOnce.has(message)) return;
    this.warnedOnce.add(message);
    this.warn(message);
  }
}

export const logger = new Logger({ serviceName: process.env.POWERTOOLS_SERVICE_NAME ?? "onebot" });

let currentId: string | undefined;

/**
 * Starts a unit of work (a request, a job): drops the previous one's temporary keys, puts its correlation id (and
 * `keys`) on every line from now on, and remembers the id, so the jobs it enqueues carry it across the queue.
 */
export function beginCorrelation(correlationId: string, keys: Record<string, unknown> = {}): void {
  logger.resetKeys();
  logger.appendKeys({ correlationId, ...keys });
  currentId = correlationId;
}

/** The correlation id of the unit of work under way (undefined before the first). */
export const currentCorrelationId = (): string | undefined => currentId;
