import { randomUUID } from "node:crypto";
import { GetCommand, PutCommand, QueryCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { StoreUnavailableError } from "./errors";
import { expiresAt } from "./keys";

/** Something worth inspecting later: a debug report, a handover, a platform event. */
export interface EventRecord {
  /** Partition: a conversation (`conv#bm#<id>`) or a platform-wide stream (`platform#bm#debug`): see ./keys.ts. */
  pk: string;
  /** Sort key: ISO time + random suffix, so a conversation's events list in order. */
  sk: string;
  type: string;
  platform: string;
  conversationId?: string;
  at: number;
  data?: Record<string, unknown>;
  expiresAt: number;
}

export type NewEvent = Omit<EventRecord, "sk" | "at" | "expiresAt">;

/**
 * `data` is stored as JSON text, at most this long (longer is kept as a prefix, marked truncated). Events
 * carry what platforms send (debug reports, router events, handover contexts): as text, no key
 * ("__proto__", "constructor"), number (1e300) or size of theirs can make the write fail.
 */
export const MAX_EVENT_DATA_CHARS = 64_000;

function encodeData(data: Record<string, unknown>): string {
  const json = JSON.stringify(data);
  return json.length <= MAX_EVENT_DATA_CHARS ? json : JSON.stringify({ truncated: true, prefix: json.slice(0, MAX_EVENT_DATA_CHARS) });
}

/** Reads an event item: `data` as written by encodeData, or (items before it) as a map. */
export function fromEventItem(item: Record<string, unknown>): EventRecord {
  return (typeof item.data === "string" ? { ...item, data: JSON.parse(item.data) } : item) as EventRecord;
}

/** The events table: append-only records with a TTL. */
export class EventStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    readonly tableName: string,
    private readonly ttlDays: number,
  ) {}

  async record(event: NewEvent, now: number): Promise<EventRecord> {
    const record: EventRecord = {
      ...event,
      sk: `${new Date(now).toISOString()}#${randomUUID().slice(0, 8)}`,
      at: now,
      expiresAt: expiresAt(now, this.ttlDays),
    };
    try {
      await this.doc.send(new PutCommand({ TableName: this.tableName, Item: { ...record, ...(record.data ? { data: encodeData(record.data) } : {}) } }));
    } catch (err) {
      throw new StoreUnavailableError("write event", err);
    }
    return record;
  }

  /**
   * How many parts of an out-of-band answer were delivered (`key`: `delivery#<platform>#<conversation>#<message>`,
   * a partition of its own). A delivery that pushes part by part resumes after them when its job is retried.
   */
  async deliveredParts(key: string): Promise<number> {
    try {
      const { Item } = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: key, sk: "delivered" }, ConsistentRead: true }));
      return typeof Item?.parts === "number" ? Item.parts : 0;
    } catch (err) {
      throw new StoreUnavailableError("read delivery progress", err);
    }
  }

  async markDelivered(key: string, parts: number, now: number): Promise<void> {
    try {
      await this.doc.send(
        new PutCommand({ TableName: this.tableName, Item: { pk: key, sk: "delivered", parts, at: now, expiresAt: expiresAt(now, this.ttlDays) } }),
      );
    } catch (err) {
      throw new StoreUnavailableError("write delivery progress", err);
    }
  }

  /** The newest events of one partition, newest first. */
  async list(pk: string, limit = 50): Promise<EventRecord[]> {
    try {
      const out = await this.doc.send(
        new QueryCommand({
          TableName: this.tableName,
          KeyConditionExpression: "pk = :pk",
          ExpressionAttributeValues: { ":pk": pk },
          ScanIndexForward: false,
          Limit: limit,
        }),
      );
      return (out.Items ?? []).map(fromEventItem);
    } catch (err) {
      throw new StoreUnavailableError("read events", err);
    }
  }
}
