import { GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { unmarshall } from "@aws-sdk/util-dynamodb";
import { StoreUnavailableError } from "./errors";
import { putIfVersion } from "./versioned-put";
import { answerKey, hasExpired, sessionKey } from "./keys";
import { newSession, type ProcessedEntry, type Session } from "./session";
import { fromSessionItem, toSessionItem } from "./session-item";

export type SaveResult = "saved" | "conflict";

/**
 * The sessions table: one versioned item per conversation.
 * - `load` is a consistent read (a turn must see the previous turn's write);
 * - `save` is conditional on the version that was read, so concurrent turns never overwrite each other:
 *   the loser gets "conflict" and reruns its turn on a fresh read.
 * Any other DynamoDB failure becomes StoreUnavailableError (503).
 * Both requests of a turn go out as the client's own GetItem/PutItem, marshalled here (and in putIfVersion):
 * the document client's wrapper resolves a second middleware stack per request, on the hottest path we have.
 */
export class SessionStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    readonly tableName: string,
  ) {}

  async load(platform: string, conversationId: string, now: number): Promise<Session | undefined> {
    let item: Record<string, unknown> | undefined;
    try {
      const out = await this.doc.send(
        new GetItemCommand({ TableName: this.tableName, Key: { pk: { S: sessionKey(platform, conversationId) } }, ConsistentRead: true }),
      );
      item = out.Item ? unmarshall(out.Item) : undefined;
    } catch (err) {
      throw new StoreUnavailableError("read session", err);
    }
    if (!item) return undefined;
    const session = fromSessionItem(item);
    // TTL deletion lags by up to days: an expired item starts over, keeping its version for the conditional write.
    if (hasExpired(session.expiresAt, now)) return { ...newSession(platform, conversationId, now), version: session.version };
    return session;
  }

  /** Writes `next` (whose version must be expected + 1) if the stored version is still `expected`. */
  async save(next: Session, expected: number): Promise<SaveResult> {
    return (await putIfVersion(this.doc, this.tableName, toSessionItem(next), expected, "session")) ? "saved" : "conflict";
  }

  /**
   * A durable recorded answer that leaves the session item, as an item of its own until `expiresAt` (epoch
   * seconds): written before the session write that drops it, so a keyed retry that misses it finds it here.
   */
  async saveAnswer(platform: string, conversationId: string, entry: ProcessedEntry, expiresAt: number): Promise<void> {
    const item = {
      pk: { S: answerKey(platform, conversationId, entry.id) },
      kind: { S: "answer" },
      id: { S: entry.id },
      at: { N: String(entry.at) },
      // JSON text, like the session item's fields: what was answered, as it was answered.
      answer: { S: JSON.stringify({ messages: entry.messages, applied: entry.applied }) },
      expiresAt: { N: String(expiresAt) },
    };
    try {
      await this.doc.send(new PutItemCommand({ TableName: this.tableName, Item: item }));
    } catch (err) {
      throw new StoreUnavailableError("write recorded answer", err);
    }
  }

  /** The recorded answer of `messageId` that left the session item, if any (a consistent read). */
  async loadAnswer(platform: string, conversationId: string, messageId: string): Promise<Pick<ProcessedEntry, "messages" | "applied"> | undefined> {
    try {
      const { Item } = await this.doc.send(
        new GetItemCommand({ TableName: this.tableName, Key: { pk: { S: answerKey(platform, conversationId, messageId) } }, ConsistentRead: true }),
      );
      if (!Item?.answer?.S || Item.id?.S !== messageId) return undefined;
      return JSON.parse(Item.answer.S) as Pick<ProcessedEntry, "messages" | "applied">;
    } catch (err) {
      throw new StoreUnavailableError("read recorded answer", err);
    }
  }
}
