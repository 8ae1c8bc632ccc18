import { randomBytes, randomUUID } from "node:crypto";
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";

/**
 * A local AWS Secrets Manager on 127.0.0.1 speaking the JSON 1.1 protocol as @aws-sdk/client-secrets-manager
 * 3.1162 sends it: POST /, `x-amz-target: secretsmanager.<Operation>`, a JSON body; answers in the shapes of the
 * SDK's schemas (timestamps as epoch seconds) and errors as `{"__type", "message"}` with HTTP 400, which the SDK
 * turns into its named exception classes (ResourceNotFoundException, ResourceExistsException, …).
 *
 * Point a client at it with `AWS_ENDPOINT_URL_SECRETS_MANAGER=<endpoint>` (the SDK builds that name from its
 * service id "Secrets Manager") or the client's `endpoint` option; any credentials are accepted.
 *
 * `secrets` maps a secret's name to its current SecretString: tests seed it and read it back directly.
 * `calls` lists the operations served, in order.
 */
export interface SecretsManagerStandIn {
  endpoint: string;
  secrets: Map<string, string>;
  calls: string[];
  close(): Promise<void>;
}

const ACCOUNT = "123456789012";
const JSON_11 = "application/x-amz-json-1.1";

/** What the service keeps besides the value: the ARN (with its random 6-character suffix), dates and versions. */
interface Meta {
  arn: string;
  created: number;
  changed: number;
  versionId: string;
  /** The value this version id belongs to: a value written to `secrets` directly gets a new version. */
  versionOf: string;
  description?: string;
  deletedAt?: number;
}

class ServiceError extends Error {
  constructor(
    readonly type: string,
    message: string,
    readonly status = 400,
  ) {
    super(message);
  }
}

const notFound = () => new ServiceError("ResourceNotFoundException", "Secrets Manager can't find the specified secret.");
const seconds = (ms: number) => ms / 1000;

export async function startSecretsManagerStandIn(): Promise<SecretsManagerStandIn> {
  const secrets = new Map<string, string>();
  const meta = new Map<string, Meta>();
  const calls: string[] = [];

  /** The metadata of a live secret, created for a value a test put in `secrets` directly. */
  const metaOf = (name: string, region: string): Meta | undefined => {
    const value = secrets.get(name);
    if (value === undefined) {
      meta.delete(name);
      return undefined;
    }
    let m = meta.get(name);
    const now = Date.now();
    if (!m) {
      m = { arn: `arn:aws:secretsmanager:${region}:${ACCOUNT}:secret:${name}-${suffix()}`, created: now, changed: now, versionId: randomUUID(), versionOf: value };
      meta.set(name, m);
    } else if (m.versionOf !== value) {
      Object.assign(m, { changed: now, versionId: randomUUID(), versionOf: value });
    }
    return m;
  };

  /** SecretId is a name, a full ARN, or an ARN without its random suffix (as the service accepts). */
  const resolve = (secretId: unknown, region: string): { name: string; meta: Meta } => {
    if (typeof secretId !== "string" || secretId === "") throw new ServiceError("ValidationException", "1 validation error detected: Value at 'secretId' failed to satisfy constraint: Member must have length greater than or equal to 1");
    let name = secretId;
    if (secretId.startsWith("arn:")) {
      const found = [...secrets.keys()].find((n) => {
        const arn = metaOf(n, region)?.arn;
        return arn === secretId || arn?.slice(0, -7) === secretId;
      });
      if (!found) throw notFound();
      name = found;
    }
    const m = metaOf(name, region);
    if (!m) throw notFound();
    return { name, meta: m };
  };

  const live = (found: { name: string; meta: Meta }) => {
    if (found.meta.deletedAt !== undefined) throw new ServiceError("InvalidRequestException", `You can't perform this operation on the secret because it was marked for deletion.`);
    return found;
  };

  const valueOf = (input: Record<string, unknown>): string => {
    if (input.SecretBinary !== undefined) throw new ServiceError("InvalidParameterException", "This stand-in keeps SecretString values only.");
    if (typeof input.SecretString !== "string") throw new ServiceError("InvalidParameterException", "You must provide either SecretString or SecretBinary.");
    if (Buffer.byteLength(input.SecretString) > 65_536) throw new ServiceError("InvalidParameterException", "SecretString exceeds the 64 KB limit.");
    return input.SecretString;
  };

  const describe = (name: string, m: Meta) => ({
    ARN: m.arn,
    Name: name,
    ...(m.description ? { Description: m.description } : {}),
    LastChangedDate: seconds(m.changed),
    CreatedDate: seconds(m.created),
    ...(m.deletedAt !== undefined ? { DeletedDate: seconds(m.deletedAt) } : {}),
    // DescribeSecret calls it VersionIdsToStages, ListSecrets SecretVersionsToStages.
    VersionIdsToStages: { [m.versionId]: ["AWSCURRENT"] },
  });

  const operations: Record<string, (input: Record<string, unknown>, region: string) => unknown> = {
    GetSecretValue(input, region) {
      const { name, meta: m } = live(resolve(input.SecretId, region));
      if (input.VersionId !== undefined && input.VersionId !== m.versionId) throw new ServiceError("ResourceNotFoundException", "Secrets Manager can't find the specified secret value for VersionId: " + String(input.VersionId));
      if (input.VersionStage !== undefined && input.VersionStage !== "AWSCURRENT") throw new ServiceError("ResourceNotFoundException", "Secrets Manager can't find the specified secret value for staging label: " + String(input.VersionStage));
      return { ARN: m.arn, Name: name, VersionId: m.versionId, SecretString: secrets.get(name), VersionStages: ["AWSCURRENT"], CreatedDate: seconds(m.changed) };
    },
    CreateSecret(input, region) {
      const name = input.Name;
      if (typeof name !== "string" || !/^[A-Za-z0-9/_+=.@-]{1,512}$/.test(name)) throw new ServiceError("InvalidParameterException", "Invalid name. Must be a valid name containing alphanumeric characters, or any of the following: -/_+=.@!");
      const existing = metaOf(name, region);
      // The SDK sends a fresh ClientRequestToken per call and the same one on a retry: a retry succeeds again.
      if (existing && input.ClientRequestToken === existing.versionId && input.SecretString === secrets.get(name) && existing.deletedAt === undefined) {
        return { ARN: existing.arn, Name: name, VersionId: existing.versionId };
      }
      if (existing) {
        if (existing.deletedAt !== undefined) throw new ServiceError("InvalidRequestException", `You can't create this secret because a secret with this name is already scheduled for deletion.`);
        throw new ServiceError("ResourceExistsException", `The operation failed because the secret ${name} already exists.`);
      }
      const value = valueOf(input);
      secrets.set(name, value);
      const m = metaOf(name, region)!;
      if (typeof input.ClientRequestToken === "string") m.versionId = input.ClientRequestToken;
      if (typeof input.Description === "string") m.description = input.Description;
      return { ARN: m.arn, Name: name, VersionId: m.versionId };
    },
    PutSecretValue(input, region) {
      const { name, meta: m } = live(resolve(input.SecretId, region));
      const value = valueOf(input);
      if (input.ClientRequestToken !== undefined && input.ClientRequestToken === m.versionId) {
        // A retried call: the same data does nothing, other data under that version id is refused.
        if (value !== secrets.get(name)) throw new ServiceError("ResourceExistsException", `A version with this ClientRequestToken already exists with different secret data.`);
        return { ARN: m.arn, Name: name, VersionId: m.versionId, VersionStages: ["AWSCURRENT"] };
      }
      secrets.set(name, value);
      Object.assign(m, { changed: Date.now(), versionId: typeof input.ClientRequestToken === "string" ? input.ClientRequestToken : randomUUID(), versionOf: value });
      return { ARN: m.arn, Name: name, VersionId: m.versionId, VersionStages: ["AWSCURRENT"] };
    },
    DescribeSecret(input, region) {
      const { name, meta: m } = resolve(input.SecretId, region);
      return describe(name, m);
    },
    ListSecrets(input, region) {
      const filters = (Array.isArray(input.Filters) ? input.Filters : []) as Array<{ Key?: string; Values?: string[] }>;
      for (const f of filters) if (f.Key !== "name") throw new ServiceError("InvalidParameterException", `This stand-in filters on "name" only, not "${f.Key}".`);
      // Values of one name filter are alternatives, each a prefix ("!" negates); several filters must all match.
      const matches = (name: string) =>
        filters.every((f) => {
          const values = f.Values ?? [];
          const positive = values.filter((v) => !v.startsWith("!"));
          const negative = values.filter((v) => v.startsWith("!")).map((v) => v.slice(1));
          return (positive.length === 0 || positive.some((p) => name.startsWith(p))) && !negative.some((p) => name.startsWith(p));
        });
      const names = [...secrets.keys()].filter((n) => matches(n)).sort();
      const entries = names.flatMap((n) => {
        const m = metaOf(n, region)!;
        if (m.deletedAt !== undefined && input.IncludePlannedDeletion !== true) return [];
        const { VersionIdsToStages, ...rest } = describe(n, m);
        return [{ ...rest, SecretVersionsToStages: VersionIdsToStages }];
      });
      const max = typeof input.MaxResults === "number" ? input.MaxResults : 100;
      const start = typeof input.NextToken === "string" ? Number(input.NextToken) : 0;
      if (!Number.isInteger(start) || start < 0) throw new ServiceError("InvalidNextTokenException", "The NextToken value is invalid.");
      const page = entries.slice(start, start + max);
      return { SecretList: page, ...(start + max < entries.length ? { NextToken: String(start + max) } : {}) };
    },
    DeleteSecret(input, region) {
      const { name, meta: m } = resolve(input.SecretId, region);
      if (input.ForceDeleteWithoutRecovery === true) {
        secrets.delete(name);
        meta.delete(name);
        return { ARN: m.arn, Name: name, DeletionDate: seconds(Date.now()) };
      }
      const days = typeof input.RecoveryWindowInDays === "number" ? input.RecoveryWindowInDays : 30;
      m.deletedAt ??= Date.now() + days * 86_400_000;
      return { ARN: m.arn, Name: name, DeletionDate: seconds(m.deletedAt) };
    },
  };

  const handle = async (req: IncomingMessage, res: ServerResponse) => {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const send = (status: number, body: unknown) =>
      res.writeHead(status, { "content-type": JSON_11, "x-amzn-requestid": randomUUID() }).end(JSON.stringify(body));
    try {
      const target = String(req.headers["x-amz-target"] ?? "");
      if (req.method !== "POST" || req.url !== "/" || !target.startsWith("secretsmanager.")) throw new ServiceError("UnknownOperationException", `Unknown operation ${target || "(no x-amz-target)"}`);
      const operation = target.slice("secretsmanager.".length);
      const run = operations[operation];
      if (!run) throw new ServiceError("UnknownOperationException", `Unknown operation ${operation}`);
      calls.push(operation);
      let input: Record<string, unknown>;
      try {
        const text = Buffer.concat(chunks).toString("utf8");
        input = text ? JSON.parse(text) : {};
      } catch {
        throw new ServiceError("SerializationException", "Start of structure or map found where not expected.");
      }
      // The signing scope names the region: …/Credential=AKID/20260101/eu-central-1/secretsmanager/aws4_request
      const region = /Credential=[^/]+\/\d+\/([^/]+)\//.exec(String(req.headers.authorization ?? ""))?.[1] ?? "us-east-1";
      send(200, run(input, region));
    } catch (err) {
      if (err instanceof ServiceError) send(err.status, { __type: err.type, message: err.message });
      else send(500, { __type: "InternalServiceError", message: "stand-in failure" });
    }
  };

  const server = createServer((req, res) => void handle(req, res));
  await new Promise<void>((resolveListen) => server.listen(0, "127.0.0.1", resolveListen));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    secrets,
    calls,
    close: () =>
      new Promise<void>((resolveClose) => {
        server.closeAllConnections();
        server.close(() => resolveClose());
      }),
  };
}

/** The 6 random characters AWS appends to a secret's name in its ARN. */
function suffix(): string {
  return randomBytes(6)
    .toString("base64")
    .replace(/[^A-Za-z0-9]/g, "x")
    .slice(0, 6);
}
