import { execFile } from "node:child_process";
import { join } from "node:path";
import {
  CreateSecretCommand,
  DeleteSecretCommand,
  DescribeSecretCommand,
  GetSecretValueCommand,
  InvalidRequestException,
  ListSecretsCommand,
  PutSecretValueCommand,
  ResourceExistsException,
  ResourceNotFoundException,
  SecretsManagerClient,
} from "@aws-sdk/client-secrets-manager";
import { readFileSync } from "node:fs";
import { DEFAULT_REGION, main, parseSecretsArgs, SERVICE, splitStdin, UsageError, type SecretsIo } from "../../scripts/secrets";
import { secretIds, secretKeys } from "../../lib/deployment/stage-secrets";
import { startSecretsManagerStandIn, type SecretsManagerStandIn } from "../support/secrets-manager-stand-in";

/** `npm run secrets` against the local Secrets Manager stand-in: what it writes, what it prints (never a value). */
const ROOT = join(__dirname, "..", "..");
const CREDENTIALS = { accessKeyId: "test", secretAccessKey: "test" };
let sm: SecretsManagerStandIn;

beforeAll(async () => {
  sm = await startSecretsManagerStandIn();
});
afterAll(() => sm.close());
beforeEach(() => {
  sm.secrets.clear();
  sm.calls.length = 0;
});

/** Runs main with captured output, the stand-in as AWS and `typed` as what the user types for NAME=-. */
async function run(argv: string, typed: string[] = []) {
  const out: string[] = [];
  const err: string[] = [];
  const regions: string[] = [];
  const io: SecretsIo = {
    out: (line) => out.push(line),
    err: (line) => err.push(line),
    readValues: async (names) => names.map((_, i) => typed[i] ?? ""),
    client: (region) => (regions.push(region), new SecretsManagerClient({ region, endpoint: sm.endpoint, credentials: CREDENTIALS })),
  };
  const code = await main(argv.split(" ").filter(Boolean), io);
  return { code, out: out.join("\n"), err: err.join("\n"), all: [...out, ...err].join("\n"), regions };
}

const stored = (name: string) => JSON.parse(sm.secrets.get(name)!);

describe("parseSecretsArgs", () => {
  test("parses set, unset, list and help", () => {
    expect(parseSecretsArgs(["set", "bm", "BM_SIGNATURE_KEY=-", "BM_SIGNATURE_ENCODING=hex-base64", "--stage", "prod"])).toEqual({
      command: "set",
      id: "bm",
      stage: "prod",
      region: "eu-central-1",
      assignments: [{ name: "BM_SIGNATURE_KEY", fromStdin: true }, { name: "BM_SIGNATURE_ENCODING", value: "hex-base64" }],
    });
    expect(parseSecretsArgs(["unset", "ai", "AI_MODEL", "--stage=dev", "--region", "us-east-1"])).toEqual({ command: "unset", id: "ai", names: ["AI_MODEL"], stage: "dev", region: "us-east-1" });
    expect(parseSecretsArgs(["list", "--stage", "prod"])).toEqual({ command: "list", stage: "prod", region: "eu-central-1" });
    expect(parseSecretsArgs(["--help"])).toEqual({ command: "help" });
    // A value may hold "=" and start with a dash.
    expect(parseSecretsArgs(["set", "twoway", "TWOWAY_OUTBOUND_URL=https://x.example/a?b=c", "--stage", "prod"])).toMatchObject({ assignments: [{ name: "TWOWAY_OUTBOUND_URL", value: "https://x.example/a?b=c" }] });
  });

  test("every secret id of the catalog, and only those, can be named", () => {
    for (const id of secretIds) expect(parseSecretsArgs(["unset", id, secretKeys(id)[0]!, "--stage", "prod"])).toMatchObject({ id });
    expect(() => parseSecretsArgs(["set", "slack", "X=1", "--stage", "prod"])).toThrow(`unknown secret id "slack": use ${secretIds.join(", ")}`);
  });

  test.each([
    ["set bm FOO=1 --stage prod", `secret "bm" cannot hold FOO: it holds ${secretKeys("bm").join(", ")}`],
    ["set bm AI_API_KEY=x --stage prod", `secret "bm" cannot hold AI_API_KEY`],
    ["set bm BM_SIGNATURE_KEY=1", "set needs --stage <stage>"],
    ["set bm BM_SIGNATURE_KEY=1 --stage local", `stage "local" (npm start) reads its settings from the shell`],
    ["set bm BM_SIGNATURE_KEY=1 --stage prod --region Frankfurt", `invalid region "Frankfurt"`],
    ["set bm BM_SIGNATURE_KEY= --stage prod", "BM_SIGNATURE_KEY has an empty value: to remove it use `unset bm BM_SIGNATURE_KEY`"],
    ["set bm BM_SIGNATURE_KEY=1 BM_SIGNATURE_KEY=2 --stage prod", "BM_SIGNATURE_KEY is given twice"],
    ["set bm BM_SIGNATURE_KEY --stage prod", `"BM_SIGNATURE_KEY" is not NAME=value`],
    ["set bm --stage prod", "set bm needs at least one NAME=value"],
    ["set --stage prod", "set needs a secret id"],
    ["get bm --stage prod", `unknown command "get"`],
    ["list --stage prod --profile x", "unknown option --profile"],
    ["list --stage", "--stage needs a value"],
    ["list extra --stage prod", "list takes no arguments"],
    ["", "no command"],
  ])("refuses `%s`", (line, message) => {
    expect(() => parseSecretsArgs(line.split(" ").filter(Boolean))).toThrow(UsageError);
    expect(() => parseSecretsArgs(line.split(" ").filter(Boolean))).toThrow(message);
  });

  test("unset with NAME=value is refused without repeating the value", () => {
    expect(() => parseSecretsArgs(["unset", "bm", "BM_SIGNATURE_KEY=hunter2-typed-by-mistake", "--stage", "prod"])).toThrow(/^unset takes names only, not NAME=value \("BM_SIGNATURE_KEY=…"\)$/);
  });

  test("stdin gives all of itself to one name, one line each to several", () => {
    expect(splitStdin("a\nb\n", ["A"])).toEqual(["a\nb"]);
    expect(splitStdin("a\r\nb\n", ["A", "B"])).toEqual(["a", "b"]);
    expect(() => splitStdin("a\n", ["A", "B"])).toThrow("stdin has 1 line for 2 values (A, B)");
  });
});

describe("npm run secrets against Secrets Manager", () => {
  test("set creates the secret, a second set merges into it, unset removes names; nothing printed holds a value", async () => {
    const first = await run("set twoway TWOWAY_WEBHOOK_SECRET=- CM_PRODUCT_TOKEN=- --stage prod", ["tw-secret-value-1", "cm-token-value-2"]);
    expect(first).toMatchObject({ code: 0, err: "" });
    expect(first.out).toContain("created onebot/prod/twoway (eu-central-1) with TWOWAY_WEBHOOK_SECRET, CM_PRODUCT_TOKEN");
    expect(first.out).toContain("still missing before twoway answers requests: TWOWAY_OUTBOUND_URL");
    expect(stored("onebot/prod/twoway")).toEqual({ TWOWAY_WEBHOOK_SECRET: "tw-secret-value-1", CM_PRODUCT_TOKEN: "cm-token-value-2" });
    expect(sm.calls).toEqual(["GetSecretValue", "CreateSecret"]);

    const second = await run("set twoway TWOWAY_OUTBOUND_URL=https://cm.example/adapters/a1 CM_PRODUCT_TOKEN=- --stage prod", ["cm-token-value-3"]);
    expect(second.code).toBe(0);
    expect(second.out).toContain("updated onebot/prod/twoway (eu-central-1): set TWOWAY_OUTBOUND_URL, CM_PRODUCT_TOKEN; it holds CM_PRODUCT_TOKEN, TWOWAY_OUTBOUND_URL, TWOWAY_WEBHOOK_SECRET");
    expect(second.out).not.toContain("still missing");
    expect(stored("onebot/prod/twoway")).toEqual({ TWOWAY_WEBHOOK_SECRET: "tw-secret-value-1", CM_PRODUCT_TOKEN: "cm-token-value-3", TWOWAY_OUTBOUND_URL: "https://cm.example/adapters/a1" });
    expect(sm.calls.slice(2)).toEqual(["GetSecretValue", "PutSecretValue"]);

    const third = await run("unset twoway CM_PRODUCT_TOKEN TWOWAY_BOT_ADAPTER_ID --stage prod");
    expect(third.code).toBe(0);
    expect(third.out).toContain("removed CM_PRODUCT_TOKEN (TWOWAY_BOT_ADAPTER_ID was not set); it holds TWOWAY_OUTBOUND_URL, TWOWAY_WEBHOOK_SECRET");
    expect(stored("onebot/prod/twoway")).toEqual({ TWOWAY_WEBHOOK_SECRET: "tw-secret-value-1", TWOWAY_OUTBOUND_URL: "https://cm.example/adapters/a1" });

    for (const output of [first.all, second.all, third.all]) {
      for (const value of ["tw-secret-value-1", "cm-token-value-2", "cm-token-value-3", "cm.example"]) expect(output).not.toContain(value);
    }
  });

  test("list shows per secret id whether it exists and which names it holds, never a value", async () => {
    sm.secrets.set("onebot/prod/bm", JSON.stringify({ BM_SIGNATURE_KEY: "bm-key-value-xyz" }));
    sm.secrets.set("onebot/prod/ai", JSON.stringify({ AI_API_KEY: "sk-ai-value-xyz", AI_MODEL: "gpt-x-value", STRAY_NAME: "stray-value" }));
    sm.secrets.set("onebot/dev/engage", JSON.stringify({ ENGAGE_API_TOKEN: "other-stage-value" }));
    sm.secrets.set("onebot/prod/engage", JSON.stringify({}));
    const { code, out, all, regions } = await run("list --stage prod --region us-east-1");
    expect(code).toBe(0);
    expect(regions).toEqual(["us-east-1"]);
    const lines = out.split("\n");
    expect(lines[0]).toBe("secrets of stage prod in us-east-1 (onebot/prod/<id>):");
    expect(lines.find((l) => /^\s+bm\s/.test(l))).toMatch(/exists\s+BM_SIGNATURE_KEY$/);
    expect(lines.find((l) => /^\s+ai\s/.test(l))).toMatch(/exists\s+AI_API_KEY, AI_MODEL\s+\[not read by the functions: STRAY_NAME\]$/);
    expect(lines.find((l) => /^\s+engage\s/.test(l))).toMatch(/exists\s+\(no names\)\s+\[missing required: ENGAGE_API_TOKEN\]$/);
    expect(lines.find((l) => /^\s+kommunicate\s/.test(l))).toMatch(/missing\s+\(needs KOMMUNICATE_WEBHOOK_SECRET\)$/);
    expect(lines.filter((l) => /^\s+\w+\s+(exists|missing)/.test(l)).map((l) => l.trim().split(/\s+/)[0])).toEqual([...secretIds]);
    for (const value of ["bm-key-value-xyz", "sk-ai-value-xyz", "gpt-x-value", "stray-value", "other-stage-value"]) expect(all).not.toContain(value);
    expect(sm.calls[0]).toBe("ListSecrets");
  });

  test("an unknown name or id is refused before any AWS call, naming what is allowed", async () => {
    const name = await run("set kommunicate KOMMUNICATE_TOKEN=abc-value --stage prod");
    expect(name).toMatchObject({ code: 2, out: "" });
    expect(name.err).toBe(`secrets: secret "kommunicate" cannot hold KOMMUNICATE_TOKEN: it holds ${secretKeys("kommunicate").join(", ")}`);
    const id = await run("unset whatsapp X --stage prod");
    expect(id).toMatchObject({ code: 2, err: `secrets: unknown secret id "whatsapp": use ${secretIds.join(", ")}` });
    expect(sm.calls).toEqual([]);
    expect(name.all).not.toContain("abc-value");
  });

  test("a value the stage would reject is refused, masked, and nothing is written", async () => {
    const bad = await run("set twoway TWOWAY_OUTBOUND_URL=not-a-url-value --stage prod");
    expect(bad.code).toBe(2);
    expect(bad.err).toMatch(/^secrets: refused, the stage would reject this value: TWOWAY_OUTBOUND_URL: .+; nothing was changed$/);
    const ai = await run("set ai AI_TEMPERATURE=7 --stage prod");
    expect(ai.err).toMatch(/AI_TEMPERATURE: /);
    expect(bad.all).not.toContain("not-a-url-value");
    expect(sm.calls).toEqual(["GetSecretValue", "GetSecretValue"]);
    expect(sm.secrets.size).toBe(0);
  });

  test("a secret that is not a JSON object is left alone, and its text is not printed", async () => {
    sm.secrets.set("onebot/prod/engage", "plain-text-token-value");
    const { code, err } = await run("set engage ENGAGE_API_TOKEN=new-token-value --stage prod");
    expect(code).toBe(1);
    expect(err).toBe("secrets: onebot/prod/engage does not hold a JSON object (not JSON): fix or delete it in the AWS console; nothing was changed");
    expect(sm.secrets.get("onebot/prod/engage")).toBe("plain-text-token-value");
    expect(sm.calls).toEqual(["GetSecretValue"]);
  });

  test("unset of a missing secret fails with exit code 1; an empty typed value is refused", async () => {
    expect(await run("unset bm BM_SIGNATURE_KEY --stage prod")).toMatchObject({ code: 1, err: "secrets: there is no secret onebot/prod/bm in eu-central-1: nothing to unset" });
    expect(await run("set bm BM_SIGNATURE_KEY=- --stage prod", [""])).toMatchObject({ code: 2, err: "secrets: BM_SIGNATURE_KEY read an empty value: nothing was changed" });
    expect(sm.secrets.size).toBe(0);
  });

  test("as a process (npm run secrets): values from stdin, the endpoint from AWS_ENDPOINT_URL_SECRETS_MANAGER", async () => {
    const env = Object.fromEntries(Object.entries(process.env).filter(([k]) => !k.startsWith("AWS_")));
    const tsx = (args: string[], input?: string) =>
      new Promise<{ code: number; stdout: string; stderr: string }>((resolve) => {
        const child = execFile(join(ROOT, "node_modules", ".bin", "tsx"), ["scripts/secrets.ts", ...args], {
          cwd: ROOT,
          env: { ...env, AWS_ENDPOINT_URL_SECRETS_MANAGER: sm.endpoint, AWS_ACCESS_KEY_ID: "test", AWS_SECRET_ACCESS_KEY: "test" },
        }, (error, stdout, stderr) => resolve({ code: error ? Number(error.code) : 0, stdout, stderr }));
        child.stdin!.end(input ?? "");
      });
    const set = await tsx(["set", "ai", "AI_API_KEY=-", "AI_MODEL=-", "--stage", "prod"], "sk-from-stdin-value\ngpt-from-stdin\n");
    expect(set).toMatchObject({ code: 0, stdout: expect.stringContaining("created onebot/prod/ai (eu-central-1) with AI_API_KEY, AI_MODEL") });
    expect(stored("onebot/prod/ai")).toEqual({ AI_API_KEY: "sk-from-stdin-value", AI_MODEL: "gpt-from-stdin" });
    const list = await tsx(["list", "--stage", "prod"]);
    expect(list.code).toBe(0);
    expect(list.stdout).toMatch(/^\s+ai\s+exists\s+AI_API_KEY, AI_MODEL$/m);
    const bad = await tsx(["set", "ai", "OPENAI_KEY=x", "--stage", "prod"]);
    expect(bad.code).toBe(2);
    expect(bad.stderr).toContain(`secrets: secret "ai" cannot hold OPENAI_KEY`);
    for (const r of [set, list, bad]) expect(r.stdout + r.stderr).not.toMatch(/sk-from-stdin-value|gpt-from-stdin/);
  }, 30_000);
});

test("the default region and the service are serverless.yml's", () => {
  const yml = readFileSync(join(ROOT, "serverless.yml"), "utf8");
  expect(yml).toMatch(new RegExp(`^\\s+region: \\$\\{opt:region, '${DEFAULT_REGION}'\\}`, "m"));
  expect(yml).toMatch(new RegExp(`^service: ${SERVICE}$`, "m"));
});

describe("the Secrets Manager stand-in, through the SDK", () => {
  const client = () => new SecretsManagerClient({ region: "eu-west-1", endpoint: sm.endpoint, credentials: CREDENTIALS });

  test("errors arrive as the SDK's exception classes with HTTP 400", async () => {
    const missing = await client().send(new GetSecretValueCommand({ SecretId: "onebot/prod/bm" })).catch((e: unknown) => e);
    expect(missing).toBeInstanceOf(ResourceNotFoundException);
    expect(missing).toMatchObject({ message: "Secrets Manager can't find the specified secret.", $metadata: { httpStatusCode: 400 } });
    await client().send(new CreateSecretCommand({ Name: "onebot/prod/bm", SecretString: "{}" }));
    await expect(client().send(new CreateSecretCommand({ Name: "onebot/prod/bm", SecretString: "{}" }))).rejects.toBeInstanceOf(ResourceExistsException);
    await expect(client().send(new PutSecretValueCommand({ SecretId: "onebot/prod/nope", SecretString: "{}" }))).rejects.toBeInstanceOf(ResourceNotFoundException);
  });

  test("a secret is found by name, full ARN or ARN without its suffix; versions and dates follow each write", async () => {
    const created = await client().send(new CreateSecretCommand({ Name: "onebot/prod/ai", SecretString: '{"AI_MODEL":"a"}' }));
    expect(created.ARN).toMatch(/^arn:aws:secretsmanager:eu-west-1:\d{12}:secret:onebot\/prod\/ai-[A-Za-z0-9]{6}$/);
    const put = await client().send(new PutSecretValueCommand({ SecretId: created.ARN, SecretString: '{"AI_MODEL":"b"}' }));
    expect(put.VersionId).not.toBe(created.VersionId);
    for (const id of ["onebot/prod/ai", created.ARN!, created.ARN!.slice(0, -7)]) {
      const got = await client().send(new GetSecretValueCommand({ SecretId: id }));
      expect(got).toMatchObject({ ARN: created.ARN, Name: "onebot/prod/ai", VersionId: put.VersionId, SecretString: '{"AI_MODEL":"b"}', VersionStages: ["AWSCURRENT"] });
      expect(got.CreatedDate).toBeInstanceOf(Date);
    }
    const described = await client().send(new DescribeSecretCommand({ SecretId: "onebot/prod/ai" }));
    expect(described).toMatchObject({ Name: "onebot/prod/ai", VersionIdsToStages: { [put.VersionId!]: ["AWSCURRENT"] } });
    // A value a test writes into `secrets` directly is a new version too.
    sm.secrets.set("onebot/prod/ai", '{"AI_MODEL":"c"}');
    expect((await client().send(new GetSecretValueCommand({ SecretId: "onebot/prod/ai" }))).VersionId).not.toBe(put.VersionId);
  });

  test("ListSecrets filters by name prefix and pages; DeleteSecret schedules or forces", async () => {
    for (const name of ["onebot/prod/bm", "onebot/prod/ai", "onebot/dev/bm", "other/prod/bm"]) sm.secrets.set(name, "{}");
    const names = async (Values: string[], MaxResults?: number) => (await client().send(new ListSecretsCommand({ Filters: [{ Key: "name", Values }], MaxResults }))).SecretList!.map((e) => e.Name);
    expect(await names(["onebot/prod/"])).toEqual(["onebot/prod/ai", "onebot/prod/bm"]);
    expect(await names(["onebot/", "!onebot/dev"])).toEqual(["onebot/prod/ai", "onebot/prod/bm"]);
    const page = await client().send(new ListSecretsCommand({ MaxResults: 3 }));
    expect(page.SecretList).toHaveLength(3);
    expect((await client().send(new ListSecretsCommand({ MaxResults: 3, NextToken: page.NextToken }))).SecretList!.map((e) => e.Name)).toEqual(["other/prod/bm"]);

    await client().send(new DeleteSecretCommand({ SecretId: "onebot/prod/bm", RecoveryWindowInDays: 7 }));
    await expect(client().send(new GetSecretValueCommand({ SecretId: "onebot/prod/bm" }))).rejects.toBeInstanceOf(InvalidRequestException);
    expect(await names(["onebot/prod/"])).toEqual(["onebot/prod/ai"]);
    await client().send(new DeleteSecretCommand({ SecretId: "onebot/prod/ai", ForceDeleteWithoutRecovery: true }));
    expect(sm.secrets.has("onebot/prod/ai")).toBe(false);
    expect(sm.calls.filter((c) => c === "DeleteSecret")).toHaveLength(2);
  });

  test("a retried call (same ClientRequestToken) succeeds again without a second version", async () => {
    const token = "11111111-2222-3333-4444-555555555555";
    const first = await client().send(new CreateSecretCommand({ Name: "onebot/prod/engage", SecretString: "{}", ClientRequestToken: token }));
    const again = await client().send(new CreateSecretCommand({ Name: "onebot/prod/engage", SecretString: "{}", ClientRequestToken: token }));
    expect(again.VersionId).toBe(first.VersionId);
    await expect(client().send(new PutSecretValueCommand({ SecretId: "onebot/prod/engage", SecretString: '{"X":"1"}', ClientRequestToken: token }))).rejects.toBeInstanceOf(ResourceExistsException);
  });
});
