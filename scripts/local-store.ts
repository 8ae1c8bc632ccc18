import { readFileSync } from "node:fs";
import { join } from "node:path";
import type { AddressInfo } from "node:net";
import type { Server } from "node:http";
import {
  CreateTableCommand,
  DescribeTableCommand,
  DynamoDBClient,
  ResourceInUseException,
  UpdateTimeToLiveCommand,
  type CreateTableCommandInput,
} from "@aws-sdk/client-dynamodb";
import { load } from "js-yaml";
import dynalite from "dynalite";

/**
 * The local DynamoDB: an embedded dynalite on loopback, or the endpoint in AWS_ENDPOINT_URL_DYNAMODB,
 * with the tables of infra/tables.yml created if missing. Used by `npm start` and by the tests.
 */

interface CfnTable {
  Type: string;
  Properties: Record<string, unknown> & { TimeToLiveSpecification?: { AttributeName: string; Enabled: boolean } };
}

/** Logical id in infra/tables.yml → the environment variable naming the table. */
export const TABLE_ENV: Record<string, "SESSIONS_TABLE" | "EVENTS_TABLE"> = {
  SessionsTable: "SESSIONS_TABLE",
  EventsTable: "EVENTS_TABLE",
};

export function readTableDefinitions(file = join(__dirname, "..", "infra", "tables.yml")): Record<string, CfnTable> {
  const doc = load(readFileSync(file, "utf8")) as { Resources: Record<string, CfnTable> };
  return Object.fromEntries(
    Object.entries(doc.Resources).filter(([, r]) => r.Type === "AWS::DynamoDB::Table"),
  );
}

export interface LocalStore {
  endpoint: string;
  /** True when we started an embedded dynalite (and so must stop it). */
  embedded: boolean;
  close(): Promise<void>;
}

export async function startEmbeddedDynamo(port = 0): Promise<LocalStore> {
  const server: Server = dynalite({ createTableMs: 0, deleteTableMs: 0, updateTableMs: 0 });
  await new Promise<void>((resolve, reject) => {
    server.once("error", reject);
    server.listen(port, "127.0.0.1", () => resolve());
  });
  const { port: bound } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${bound}`,
    embedded: true,
    close: () => new Promise((resolve) => server.close(() => resolve())),
  };
}

/** Uses AWS_ENDPOINT_URL_DYNAMODB when set, else starts dynalite. */
export async function openStore(env: NodeJS.ProcessEnv = process.env, port = 0): Promise<LocalStore> {
  const external = env.AWS_ENDPOINT_URL_DYNAMODB;
  if (external) return { endpoint: external, embedded: false, close: async () => {} };
  return startEmbeddedDynamo(port);
}

/** Creates every table of infra/tables.yml that does not exist yet; returns the names created. */
export async function ensureTables(
  endpoint: string,
  names: Record<"SESSIONS_TABLE" | "EVENTS_TABLE", string>,
  /** The handlers' region: DynamoDB Local keeps one database per region. Default: the SDK's (AWS_REGION). */
  region?: string,
): Promise<string[]> {
  const client = new DynamoDBClient({ endpoint, ...(region ? { region } : {}) });
  const created: string[] = [];
  try {
    for (const [logicalId, table] of Object.entries(readTableDefinitions())) {
      const envName = TABLE_ENV[logicalId];
      if (!envName) throw new Error(`infra/tables.yml: no local table name for ${logicalId}`);
      const TableName = names[envName];
      if (await exists(client, TableName)) continue;
      const { TimeToLiveSpecification, PointInTimeRecoverySpecification: _pitr, DeletionProtectionEnabled: _protected, TableName: _n, ...props } =
        table.Properties;
      try {
        await client.send(new CreateTableCommand({ ...(props as Omit<CreateTableCommandInput, "TableName">), TableName }));
        created.push(TableName);
      } catch (err) {
        if (!(err instanceof ResourceInUseException)) throw err;
      }
      if (TimeToLiveSpecification?.Enabled) await enableTtl(client, TableName, TimeToLiveSpecification.AttributeName);
    }
  } finally {
    client.destroy();
  }
  return created;
}

async function exists(client: DynamoDBClient, TableName: string): Promise<boolean> {
  try {
    await client.send(new DescribeTableCommand({ TableName }));
    return true;
  } catch (err) {
    if ((err as { name?: string }).name === "ResourceNotFoundException") return false;
    throw err;
  }
}

/** dynalite has no TTL API; DynamoDB Local and AWS do. Expired items are also filtered on read. */
async function enableTtl(client: DynamoDBClient, TableName: string, AttributeName: string): Promise<void> {
  try {
    await client.send(new UpdateTimeToLiveCommand({ TableName, TimeToLiveSpecification: { AttributeName, Enabled: true } }));
  } catch {
    // Not supported by this local store: TTL is a deployment concern; the code never relies on deletion.
  }
}
