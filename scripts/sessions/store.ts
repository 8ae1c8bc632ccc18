/**
 * Read-only access to the sessions and events tables for the developer tools: the running local stack's store
 * (`.local/stack.json`), else `AWS_ENDPOINT_URL_DYNAMODB`, else real AWS with the environment's region and
 * credentials. Table names: the stack's, else SESSIONS_TABLE / EVENTS_TABLE, else `onebot-<stage>-…`.
 */
import { DynamoDBClient } from "@aws-sdk/client-dynamodb";
import { DynamoDBDocumentClient, GetCommand, QueryCommand, ScanCommand } from "@aws-sdk/lib-dynamodb";
import { fromEventItem, type EventRecord } from "../../lib/session/events";
import type { Session } from "../../lib/session/session";
import { fromSessionItem } from "../../lib/session/session-item";
import { readStackFile, type StackFile } from "../stack-file";

/** A failure reported as one line, without a stack trace. */
export class ToolError extends Error {}

export interface StoreTarget {
  /** undefined = the regional AWS endpoint. */
  endpoint?: string;
  region: string;
  tables: { sessions: string; events: string };
  /** Where the endpoint came from, for messages. */
  source: "the local stack" | "AWS_ENDPOINT_URL_DYNAMODB" | "AWS";
  /** Use throwaway credentials (the embedded store accepts any; real ones must never go there). */
  localCredentials: boolean;
}

export interface TargetOptions {
  /** A deployed stage: its tables (`onebot-<stage>-…`), never the local stack. */
  stage?: string;
  env?: NodeJS.ProcessEnv;
  stack?: StackFile | undefined;
}

export function resolveStoreTarget({ stage, env = process.env, stack = stage ? undefined : readStackFile() }: TargetOptions = {}): StoreTarget {
  const hasOwnCredentials = Boolean(env.AWS_ACCESS_KEY_ID || env.AWS_PROFILE);
  if (stack) {
    return {
      endpoint: stack.dynamoEndpoint,
      region: stack.region || "eu-central-1",
      tables: stack.tables,
      source: "the local stack",
      localCredentials: stack.dynamoEmbedded || !hasOwnCredentials,
    };
  }
  const prefix = `onebot-${stage ?? "local"}`;
  const tables = { sessions: env.SESSIONS_TABLE || `${prefix}-sessions`, events: env.EVENTS_TABLE || `${prefix}-events` };
  const endpoint = env.AWS_ENDPOINT_URL_DYNAMODB || undefined;
  if (endpoint) {
    return { endpoint, region: env.AWS_REGION || "eu-central-1", tables, source: "AWS_ENDPOINT_URL_DYNAMODB", localCredentials: !hasOwnCredentials };
  }
  const region = env.AWS_REGION || env.AWS_DEFAULT_REGION;
  if (!region) throw new ToolError("no local stack is running and AWS_REGION is not set: start `npm start`, or set AWS_REGION (and credentials) for a deployed table");
  return { region, tables, source: "AWS", localCredentials: false };
}

export const describeTarget = (t: StoreTarget) => (t.endpoint ? `${t.endpoint} (${t.source})` : `AWS ${t.region}`);

export function openDocumentClient(target: StoreTarget): DynamoDBDocumentClient {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED ??= "true"; // its node-version notice is noise here
  const client = new DynamoDBClient({
    region: target.region,
    ...(target.endpoint ? { endpoint: target.endpoint } : {}),
    ...(target.localCredentials ? { credentials: { accessKeyId: "local", secretAccessKey: "local" } } : {}),
    maxAttempts: 2,
    requestHandler: { connectionTimeout: 2000, requestTimeout: 10_000 },
  });
  return DynamoDBDocumentClient.from(client, { marshallOptions: { removeUndefinedValues: true } });
}

/** One readable line for a DynamoDB failure. */
export function storeErrorLine(err: unknown, target: StoreTarget, table?: string): string {
  const e = err as Error & { name?: string; code?: string; cause?: { code?: string }; $metadata?: unknown };
  const code = e.code ?? e.cause?.code ?? (e as { errno?: string }).errno;
  if (e.name === "ResourceNotFoundException") return `table ${table ?? "?"} not found at ${describeTarget(target)}`;
  if (code === "ECONNREFUSED" || code === "ECONNRESET" || e.name === "TimeoutError" || /ECONNREFUSED|socket hang up/.test(String(e.message))) {
    return `cannot reach DynamoDB at ${describeTarget(target)}${target.source === "AWS" ? "" : ": is `npm start` running?"}`;
  }
  if (e.name === "CredentialsProviderError" || /credential/i.test(String(e.message))) return `no usable AWS credentials for ${describeTarget(target)}: ${e.message}`;
  return `${e.name && e.name !== "Error" ? `${e.name}: ` : ""}${e.message || String(err)} (${describeTarget(target)})`;
}

/** The tools' reads. Every failure becomes a ToolError with one line. */
export class ReadStore {
  readonly doc: DynamoDBDocumentClient;

  constructor(readonly target: StoreTarget) {
    this.doc = openDocumentClient(target);
  }

  close(): void {
    this.doc.destroy();
  }

  private async guard<T>(table: string, run: () => Promise<T>): Promise<T> {
    try {
      return await run();
    } catch (err) {
      throw new ToolError(storeErrorLine(err, this.target, table));
    }
  }

  getSession(pk: string): Promise<Session | undefined> {
    const TableName = this.target.tables.sessions;
    return this.guard(TableName, async () => {
      const { Item } = await this.doc.send(new GetCommand({ TableName, Key: { pk }, ConsistentRead: true }));
      return Item ? fromSessionItem(Item) : undefined;
    });
  }

  /** Every conversation item (pk `conv#…`, optionally of one platform): a Scan, fine for a developer tool. */
  scanSessions(platform?: string): Promise<Session[]> {
    const TableName = this.target.tables.sessions;
    return this.guard(TableName, async () => {
      const items: Session[] = [];
      let ExclusiveStartKey: Record<string, unknown> | undefined;
      do {
        const out = await this.doc.send(
          new ScanCommand({
            TableName,
            FilterExpression: "begins_with(pk, :p)",
            ExpressionAttributeValues: { ":p": platform ? `conv#${platform}#` : "conv#" },
            ExclusiveStartKey,
          }),
        );
        items.push(...(out.Items ?? []).map(fromSessionItem));
        ExclusiveStartKey = out.LastEvaluatedKey;
      } while (ExclusiveStartKey);
      return items;
    });
  }

  /** The newest `limit` events of a partition, oldest first. */
  events(pk: string, limit: number): Promise<EventRecord[]> {
    const TableName = this.target.tables.events;
    return this.guard(TableName, async () => {
      const out = await this.doc.send(
        new QueryCommand({ TableName, KeyConditionExpression: "pk = :pk", ExpressionAttributeValues: { ":pk": pk }, ScanIndexForward: false, Limit: limit }),
      );
      return (out.Items ?? []).map(fromEventItem).reverse();
    });
  }
}
