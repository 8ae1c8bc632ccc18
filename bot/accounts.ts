import { keyPart, type BotStore } from "../lib/session/bot-store";

/**
 * The example bank's accounts, in the bot's store (lib/session/bot-store.ts: items `account#<user>`): a regular account
 * with an overdraft limit and a savings account. A transfer is a read and a write conditional on the
 * version read; its id is recorded in the same write, so a rerun turn or a retried Engage call applies
 * it exactly once and gets the recorded outcome.
 *
 * The ledger remembers every transfer id for the session TTL, not for a count: the account item keeps the
 * newest 20 (with outcomes); an entry leaving that list is first written as its own item
 * (`account#<user>#transfer#<id>`, TTL'd), before the account write that drops it. A transfer whose id is
 * not in the list looks that item up (consistently) after reading the account item: an entry dropped by any
 * version up to the one read is there, and one recorded after it makes the conditional write fail.
 */
export type AccountType = "regular" | "savings";

export interface Account {
  balance: number;
  /** How far below zero the balance may go. */
  limit: number;
}

export interface TransferOutcome {
  /** declined: the user said no (or left the question): that transfer can never be confirmed later. */
  status: "done" | "no_money" | "declined";
  account: AccountType;
  amount: number;
  destination: string;
  /** Balance and limit after the transfer (unchanged when refused). */
  balance: number;
  limit: number;
  /** The idempotency key of the turn that settled it, when given: a later turn can tell it was not its own. */
  by?: string;
}

export interface TransferRequest {
  id: string;
  account: AccountType;
  amount: number;
  destination: string;
  /** The settling turn's idempotency key (see TransferOutcome.by). */
  by?: string;
}

/** A transfer that left the account item, as an item of its own. */
interface TransferRecord extends LedgerEntry {
  [field: string]: unknown;
  kind: "transfer";
}

interface LedgerEntry {
  id: string;
  at: number;
  outcome: TransferOutcome;
}

/** The stored account item's value (the store keeps its key and version). */
interface AccountItem {
  [field: string]: unknown;
  kind: "account";
  accounts: Record<AccountType, Account>;
  /** Recent transfers by id, newest last, at most MAX_APPLIED. */
  applied: LedgerEntry[];
  /** How many entries left `applied` for items of their own: while 0, a miss in `applied` needs no lookup. */
  spilled?: number;
  updatedAt: number;
}

/** Every new customer of the demo bank starts with these. */
export const OPENING_ACCOUNTS: Record<AccountType, Account> = {
  regular: { balance: 1200, limit: 500 },
  savings: { balance: 5000, limit: 0 },
};

// Short: every transfer reads and writes the account item whole; older ids are found as items of their own.
const MAX_APPLIED = 20;
const MAX_ATTEMPTS = 40;
const DEFAULT_TTL_DAYS = 30;

export class AccountStore {
  constructor(
    private readonly store: BotStore,
    private readonly clock: () => number = Date.now,
    /** How long a transfer id is remembered once it left the account item: the session TTL. */
    private readonly ttlDays: number = DEFAULT_TTL_DAYS,
  ) {}

  async accounts(userId: string): Promise<Record<AccountType, Account>> {
    return (await this.read(userId)).accounts;
  }

  /** Applies the transfer once per id; a known id gets its recorded outcome (done, no_money or declined). */
  async transfer(userId: string, request: TransferRequest): Promise<TransferOutcome> {
    if (!(request.amount > 0) || !Number.isFinite(request.amount)) throw new RangeError("amount must be a positive number");
    return this.settle(userId, request, (current) => {
      const enough = current.balance + current.limit - request.amount >= 0;
      return { status: enough ? "done" : "no_money", balance: enough ? round2(current.balance - request.amount) : current.balance };
    });
  }

  /** Records the transfer as declined unless it is settled already (then its outcome): a later "yes" moves nothing. */
  async decline(userId: string, request: TransferRequest): Promise<TransferOutcome> {
    return this.settle(userId, request, (current) => ({ status: "declined", balance: current.balance }));
  }

  private async settle(
    userId: string,
    request: TransferRequest,
    decide: (current: Account) => { status: TransferOutcome["status"]; balance: number },
  ): Promise<TransferOutcome> {
    let leaving: LedgerEntry[] = [];
    return this.store.update<AccountItem, TransferOutcome>(accountKey(userId), {
      maxAttempts: MAX_ATTEMPTS,
      initial: opening,
      change: async (item) => {
        const recorded = await this.recorded(userId, item, request.id);
        if (recorded) return { result: recorded };
        const current = item.accounts[request.account];
        const { status, balance } = decide(current);
        const outcome: TransferOutcome = {
          status,
          account: request.account,
          amount: request.amount,
          destination: request.destination,
          balance,
          limit: current.limit,
          ...(request.by ? { by: request.by } : {}),
        };
        const now = this.clock();
        const applied = [...item.applied, { id: request.id, at: now, outcome: storable(outcome) }];
        leaving = applied.slice(0, Math.max(0, applied.length - MAX_APPLIED));
        return {
          result: outcome,
          next: {
            ...item,
            accounts: { ...item.accounts, [request.account]: { ...current, balance } },
            applied: applied.slice(-MAX_APPLIED),
            ...(leaving.length || item.spilled ? { spilled: (item.spilled ?? 0) + leaving.length } : {}),
            updatedAt: now,
          },
        };
      },
      // Before the write that drops them: a later lookup finds every entry the account item no longer lists.
      beforeWrite: async () => {
        for (const entry of leaving) await this.store.put<TransferRecord>(transferKey(userId, entry.id), { kind: "transfer", ...entry }, { ttlDays: this.ttlDays });
      },
    });
  }

  /** The recorded outcome of `id`: in the account item's recent list, else (if any left it) its own item. */
  private async recorded(userId: string, item: AccountItem, id: string): Promise<TransferOutcome | undefined> {
    const listed = item.applied.find((a) => a.id === id);
    if (listed) return readable(listed.outcome);
    if (!item.spilled) return undefined;
    const record = await this.store.get<TransferRecord>(transferKey(userId, id));
    return record && record.value.id === id ? readable(record.value.outcome) : undefined;
  }

  private async read(userId: string): Promise<AccountItem> {
    return (await this.store.get<AccountItem>(accountKey(userId)))?.value ?? opening();
  }
}

const opening = (): AccountItem => ({ kind: "account", accounts: OPENING_ACCOUNTS, applied: [], updatedAt: 0 });
export const accountKey = (userId: string) => `account#${userId}`;
/** A transfer that left the account item's recent list (an id of more than 256 bytes is hashed). */
export const transferKey = (userId: string, id: string) => `${accountKey(userId)}#transfer#${keyPart(id)}`;
const round2 = (n: number) => Math.round(n * 100) / 100;

// DynamoDB numbers stop at 9.99e125 (and have no NaN): such an amount of a refused or declined transfer is kept as text.
const MAX_STORED_NUMBER = 9.9e125;
function storable(outcome: TransferOutcome): TransferOutcome {
  return Number.isFinite(outcome.amount) && outcome.amount < MAX_STORED_NUMBER ? outcome : { ...outcome, amount: String(outcome.amount) as unknown as number };
}
function readable(outcome: TransferOutcome): TransferOutcome {
  return typeof outcome.amount === "string" ? { ...outcome, amount: Number(outcome.amount) } : outcome;
}
