import type { Context } from "aws-lambda";
import { Logger } from "../../lib/log";

/**
 * lib/log.ts writes the lines Powertools Logger 2.35 wrote (it replaced it to cut 18 KB per bundle): the lines below
 * are Powertools' own output for the same calls, timestamps aside.
 */
const context = {
  functionName: "fn",
  functionVersion: "$LATEST",
  invokedFunctionArn: "arn:aws:lambda:us-east-1:1:function:fn",
  memoryLimitInMB: "1024",
  awsRequestId: "req-1",
} as Context;

function capture(env: Record<string, string | undefined>, run: (logger: Logger) => void): string[] {
  const saved = Object.fromEntries(Object.keys(env).map((k) => [k, process.env[k]]));
  const lines: string[] = [];
  const spies = [
    jest.spyOn(process.stdout, "write").mockImplementation((chunk) => (lines.push(`OUT ${String(chunk)}`), true)),
    jest.spyOn(process.stderr, "write").mockImplementation((chunk) => (lines.push(`ERR ${String(chunk)}`), true)),
  ];
  try {
    for (const [k, v] of Object.entries(env)) if (v === undefined) delete process.env[k];
    else process.env[k] = v;
    run(new Logger({ serviceName: "onebot" }));
  } finally {
    spies.forEach((s) => s.mockRestore());
    for (const [k, v] of Object.entries(saved)) if (v === undefined) delete process.env[k];
    else process.env[k] = v;
  }
  return lines.map((l) => l.replace(/"timestamp":"\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z"/, '"timestamp":T'));
}

const BASE = { POWERTOOLS_LOG_LEVEL: "INFO", LOG_LEVEL: undefined, AWS_LAMBDA_LOG_LEVEL: undefined, POWERTOOLS_DEV: undefined, _X_AMZN_TRACE_ID: undefined };
const CTX = '"function_arn":"arn:aws:lambda:us-east-1:1:function:fn","function_memory_size":"1024","function_name":"fn","function_request_id":"req-1","sampling_rate":0';

test("keys in Powertools' order, the context after addContext, cold_start once on an on-demand function, empty values left out", () => {
  const lines = capture({ ...BASE, AWS_LAMBDA_INITIALIZATION_TYPE: "on-demand", _X_AMZN_TRACE_ID: "Root=1-abc;Parent=2;Sampled=1" }, (log) => {
    log.info("before context", { k: 1 });
    log.addContext(context);
    log.appendKeys({ correlationId: "c1", platform: "bm" });
    log.info("hello");
    log.debug("hidden");
    log.warn("request refused", { status: 400, reason: "bad", issues: undefined });
    log.error("store", { cause: "" });
    log.addContext(context);
    log.resetKeys();
    log.info({ message: "obj", x: [1, 2], n: 10n }, "extra text");
  });
  expect(lines).toEqual([
    'OUT {"level":"INFO","message":"before context","timestamp":T,"service":"onebot","sampling_rate":0,"xray_trace_id":"1-abc","k":1}\n',
    `OUT {"level":"INFO","message":"hello","timestamp":T,"service":"onebot","cold_start":true,${CTX},"xray_trace_id":"1-abc","correlationId":"c1","platform":"bm"}\n`,
    `ERR {"level":"WARN","message":"request refused","timestamp":T,"service":"onebot","cold_start":true,${CTX},"xray_trace_id":"1-abc","correlationId":"c1","platform":"bm","status":400,"reason":"bad"}\n`,
    `ERR {"level":"ERROR","message":"store","timestamp":T,"service":"onebot","cold_start":true,${CTX},"xray_trace_id":"1-abc","correlationId":"c1","platform":"bm"}\n`,
    `OUT {"level":"INFO","message":"obj","timestamp":T,"service":"onebot","cold_start":false,${CTX},"xray_trace_id":"1-abc","x":[1,2],"n":"10","extra":"extra text"}\n`,
  ]);
});

test("errors as {name, location, message, stack, cause, own fields}; a circular reference dropped; reserved keys dropped with a warning", () => {
  const err = Object.assign(new Error("boom", { cause: new TypeError("inner") }), { code: "E1" });
  const circ: Record<string, unknown> = { a: 1 };
  circ.self = circ;
  const lines = capture({ ...BASE, AWS_LAMBDA_INITIALIZATION_TYPE: undefined }, (log) => {
    log.error("unhandled error", err);
    log.info("circ", { circ });
    log.info("reserved", { level: "x", ok: true });
    log.critical("crit");
  });
  const first = JSON.parse(lines[0]!.slice(4).replace('"timestamp":T', '"timestamp":0')) as { error: Record<string, unknown> };
  expect(Object.keys(first.error)).toEqual(["name", "location", "message", "stack", "cause", "code"]);
  expect(first.error).toMatchObject({ name: "Error", message: "boom", stack: err.stack, code: "E1", cause: { name: "TypeError", message: "inner" } });
  expect(first.error.location).toMatch(/log-format\.test\.ts:\d+$/);
  expect(lines.slice(1)).toEqual([
    'OUT {"level":"INFO","message":"circ","timestamp":T,"service":"onebot","sampling_rate":0,"circ":{"a":1}}\n',
    'ERR {"level":"WARN","message":"The key \\"level\\" is a reserved key and will be dropped.","timestamp":T,"service":"onebot","sampling_rate":0}\n',
    'OUT {"level":"INFO","message":"reserved","timestamp":T,"service":"onebot","sampling_rate":0,"ok":true}\n',
    'ERR {"level":"CRITICAL","message":"crit","timestamp":T,"service":"onebot","sampling_rate":0}\n',
  ]);
});

test("levels: upper-case names only, setLogLevel, SILENT; Lambda's AWS_LAMBDA_LOG_LEVEL wins", () => {
  expect(capture({ ...BASE, POWERTOOLS_LOG_LEVEL: "debug" }, (log) => log.debug("lower-case names are not levels: INFO"))).toEqual([]);
  expect(capture({ ...BASE, POWERTOOLS_LOG_LEVEL: undefined, LOG_LEVEL: "DEBUG" }, (log) => log.debug("d"))).toHaveLength(1);
  const set = capture(BASE, (log) => {
    log.setLogLevel("SILENT");
    log.error("not shown");
    log.setLogLevel("DEBUG");
    log.debug("shown");
  });
  expect(set).toEqual(['OUT {"level":"DEBUG","message":"shown","timestamp":T,"service":"onebot","sampling_rate":0}\n']);
  expect(() => capture(BASE, (log) => log.setLogLevel("verbose"))).toThrow("Invalid log level: verbose");
  const alc = capture({ ...BASE, AWS_LAMBDA_LOG_LEVEL: "WARN", POWERTOOLS_LOG_LEVEL: "DEBUG" }, (log) => {
    log.info("below Lambda's level");
    log.setLogLevel("DEBUG");
    log.setLogLevel("DEBUG");
    log.warn("shown");
  });
  expect(alc).toEqual([
    'ERR {"level":"WARN","message":"Current log level (DEBUG) does not match AWS Lambda Advanced Logging Controls minimum log level (WARN). This can lead to data loss, consider adjusting them.","timestamp":T,"service":"onebot","sampling_rate":0}\n',
    'ERR {"level":"WARN","message":"shown","timestamp":T,"service":"onebot","sampling_rate":0}\n',
  ]);
});
