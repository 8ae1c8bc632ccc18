import { GetItemCommand, PutItemCommand } from "@aws-sdk/client-dynamodb";
import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { marshall, unmarshall } from "@aws-sdk/util-dynamodb";
import { assertMayCommit, markCommitted } from "./commit-guard";
import { StoreUnavailableError } from "./errors";
import { assertBotKey, expiresAt, keyPart } from "./keys";
import { readModifyWrite } from "./read-modify-write";
import { putIfVersion } from "./versioned-put";

export { keyPart };

/** A bot's own item: a JSON object. `pk`, `version` and `expiresAt` are the store's and are not part of it. */
export type BotValue = Record<string, unknown>;

/** An item as read: its value and the version it was read at (every write through putIfVersion adds 1). */
export interface StoredItem<T extends BotValue> {
  value: T;
  version: number;
}

export interface WriteOptions {
  /** The item expires this many days after the write (DynamoDB TTL); none: it stays. */
  ttlDays?: number;
}

export interface UpdateOptions<T extends BotValue, R> extends WriteOptions {
  /** The value of an item not stored yet. */
  initial: () => T;
  /**
   * The change, given the value read: the result, and the value to write (none: write nothing). Reruns on a
   * fresh read when another writer got there first, so it must be safe to rerun.
   */
  change: (value: T) => { next?: T; result: R } | Promise<{ next?: T; result: R }>;
  /** Runs right before each conditional write of `next` (e.g. writes items that `next` stops listing). */
  beforeWrite?: (next: T) => Promise<void>;
  /** Reads and writes before giving up with TurnConflictError (503). Default 40. */
  maxAttempts?: number;
}

/**
 * The bot's storage port: JSON items under keys the bot chooses, with optimistic concurrency and TTL, in
 * the sessions table. The bot never sees the DynamoDB client, the table or the framework's own keys
 * (a key starting with one of them is refused: lib/session/keys.ts). Every failure of the store is a
 * StoreUnavailableError (503); every write respects the request's commit guard (no write once its answer left).
 */
export interface BotStore {
  /** The item under `key` (a consistent read: it sees every write that finished before), or undefined. */
  get<T extends BotValue>(key: string): Promise<StoredItem<T> | undefined>;
  /** Writes `value` whatever is stored (e.g. a record that never changes once written). */
  put<T extends BotValue>(key: string, value: T, options?: WriteOptions): Promise<void>;
  /**
   * Writes `value` as version `expected + 1` only if the stored version is still `expected` (0: the item must
   * not exist yet). False when another writer got there first.
   */
  putIfVersion<T extends BotValue>(key: string, value: T, expected: number, options?: WriteOptions): Promise<boolean>;
  /** Read, change, write-if-version, rerun with backoff on a lost race: the loop every versioned change needs. */
  update<T extends BotValue, R>(key: string, options: UpdateOptions<T, R>): Promise<R>;
}

const OWN = new Set(["pk", "version", "expiresAt"]);

/** What a failure names (in the 503's body, too): the key's first segment (`account` of `account#<user>`), never its ids. */
const labelOf = (key: string) => (key.includes("#") ? key.slice(0, key.indexOf("#")) : "bot item");
const DEFAULT_MAX_ATTEMPTS = 40;

/** The BotStore on the sessions table. `clock` stamps TTLs (the runtime's clock). */
export function createBotStore(doc: DynamoDBDocumentClient, tableName: string, clock: () => number): BotStore {
  const itemOf = (key: string, value: BotValue, version: number, options: WriteOptions | undefined): { pk: string; version: number } => {
    const own = Object.keys(value).find((name) => OWN.has(name));
    if (own) throw new RangeError(`a bot store value must not have "${own}": the store's own attribute`);
    return {
      ...value,
      pk: assertBotKey(key),
      version,
      ...(options?.ttlDays !== undefined ? { expiresAt: expiresAt(clock(), options.ttlDays) } : {}),
    };
  };

  const store: BotStore = {
    async get<T extends BotValue>(key: string) {
      const pk = assertBotKey(key);
      let raw: Record<string, unknown> | undefined;
      try {
        const out = await doc.send(new GetItemCommand({ TableName: tableName, Key: { pk: { S: pk } }, ConsistentRead: true }));
        raw = out.Item ? unmarshall(out.Item) : undefined;
      } catch (err) {
        throw new StoreUnavailableError(`read ${labelOf(key)}`, err);
      }
      if (!raw) return undefined;
      const { pk: _pk, version, expiresAt: _expiresAt, ...value } = raw;
      return { value: value as T, version: typeof version === "number" ? version : 0 };
    },

    async put(key, value, options) {
      // Version 1: a later putIfVersion(key, …, 1) may change it, like any versioned item written once.
      const item = itemOf(key, value, 1, options);
      assertMayCommit(labelOf(key));
      try {
        await doc.send(new PutItemCommand({ TableName: tableName, Item: marshall(item, { removeUndefinedValues: true }) }));
      } catch (err) {
        throw new StoreUnavailableError(`write ${labelOf(key)}`, err);
      }
      markCommitted();
    },

    // A bot's direct writes respect the commit guard like update's (lib/session/read-modify-write.ts does it there).
    async putIfVersion(key, value, expected, options) {
      const item = itemOf(key, value, expected + 1, options);
      assertMayCommit(labelOf(key));
      const written = await putIfVersion(doc, tableName, item, expected, labelOf(key));
      if (written) markCommitted();
      return written;
    },

    async update<T extends BotValue, R>(key: string, options: UpdateOptions<T, R>) {
      const { result } = await readModifyWrite<{ pk: string; version: number; value: T }, R>({
        key,
        maxAttempts: options.maxAttempts ?? DEFAULT_MAX_ATTEMPTS,
        read: async () => {
          const stored = await store.get<T>(key);
          return { pk: key, version: stored?.version ?? 0, value: stored?.value ?? options.initial() };
        },
        change: async (item) => {
          const { next, result } = await options.change(item.value);
          return next ? { result, next: { ...item, value: next } } : { result };
        },
        write: async (item, expected) => {
          await options.beforeWrite?.(item.value);
          return store.putIfVersion(key, item.value, expected, options);
        },
      });
      return result;
    },
  };
  return store;
}
