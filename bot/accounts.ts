import { GetCommand, type DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import { StoreUnavailableError } from "../lib/session/errors";
import { readModifyWrite } from "../lib/session/read-modify-write";
import { putIfVersion } from "../lib/session/versioned-put";

/**
 * The example bank's accounts, in DynamoDB (the sessions table, items `account#<user>`): a regular account
 * with an overdraft limit and a savings account. A transfer is a read and a write conditional on the
 * version read; its id is recorded in the same write, so a rerun turn or a retried Engage call applies
 * it exactly once and gets the recorded outcome.
 */
export type AccountType = "regular" | "savings";

export interface Account {
  balance: number;
  /** How far below zero the balance may go. */
  limit: number;
}

export interface TransferOutcome {
  status: "done" | "no_money";
  account: AccountType;
  amount: number;
  destination: string;
  /** Balance and limit after the transfer (unchanged when refused). */
  balance: number;
  limit: number;
}

interface AccountItem {
  pk: string;
  kind: "account";
  version: number;
  accounts: Record<AccountType, Account>;
  /** Recent transfers by id, newest last, bounded. */
  applied: Array<{ id: string; at: number; outcome: TransferOutcome }>;
  updatedAt: number;
}

/** Every new customer of the demo bank starts with these. */
export const OPENING_ACCOUNTS: Record<AccountType, Account> = {
  regular: { balance: 1200, limit: 500 },
  savings: { balance: 5000, limit: 0 },
};

const MAX_APPLIED = 50;
const MAX_ATTEMPTS = 40;

export class AccountStore {
  constructor(
    private readonly doc: DynamoDBDocumentClient,
    private readonly tableName: string,
    private readonly clock: () => number = Date.now,
  ) {}

  async accounts(userId: string): Promise<Record<AccountType, Account>> {
    return (await this.read(userId)).accounts;
  }

  async transfer(userId: string, request: { id: string; account: AccountType; amount: number; destination: string }): Promise<TransferOutcome> {
    if (!(request.amount > 0) || !Number.isFinite(request.amount)) throw new RangeError("amount must be a positive number");
    const { result } = await readModifyWrite<AccountItem, TransferOutcome>({
      key: accountKey(userId),
      maxAttempts: MAX_ATTEMPTS,
      read: () => this.read(userId),
      change: (item) => {
        const recorded = item.applied.find((a) => a.id === request.id);
        if (recorded) return { result: readable(recorded.outcome) };
        const current = item.accounts[request.account];
        const enough = current.balance + current.limit - request.amount >= 0;
        const balance = enough ? round2(current.balance - request.amount) : current.balance;
        const outcome: TransferOutcome = {
          status: enough ? "done" : "no_money",
          account: request.account,
          amount: request.amount,
          destination: request.destination,
          balance,
          limit: current.limit,
        };
        const now = this.clock();
        return {
          result: outcome,
          next: {
            ...item,
            accounts: { ...item.accounts, [request.account]: { ...current, balance } },
            applied: [...item.applied, { id: request.id, at: now, outcome: storable(outcome) }].slice(-MAX_APPLIED),
            updatedAt: now,
          },
        };
      },
      write: (next, expected) => putIfVersion(this.doc, this.tableName, next, expected, "account"),
    });
    return result;
  }

  private async read(userId: string): Promise<AccountItem> {
    try {
      const out = await this.doc.send(new GetCommand({ TableName: this.tableName, Key: { pk: accountKey(userId) }, ConsistentRead: true }));
      return (out.Item as AccountItem | undefined) ?? { pk: accountKey(userId), kind: "account", version: 0, accounts: OPENING_ACCOUNTS, applied: [], updatedAt: 0 };
    } catch (err) {
      throw new StoreUnavailableError("read account", err);
    }
  }

}

export const accountKey = (userId: string) => `account#${userId}`;

// DynamoDB numbers stop at 9.99e125: a refused transfer of 1e300 keeps its amount as text.
const MAX_STORED_NUMBER = 9.9e125;
function storable(outcome: TransferOutcome): TransferOutcome {
  return outcome.amount < MAX_STORED_NUMBER ? outcome : { ...outcome, amount: String(outcome.amount) as unknown as number };
}
function readable(outcome: TransferOutcome): TransferOutcome {
  return typeof outcome.amount === "string" ? { ...outcome, amount: Number(outcome.amount) } : outcome;
}
const round2 = (n: number) => Math.round(n * 100) / 100;
