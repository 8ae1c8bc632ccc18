import * as z from "zod/mini";
import { defineAction, type ActionContext, type BotActions } from "../lib/engine/actions";
import type { AccountStore, AccountType } from "./accounts";
import { amountInCents } from "./amount";

/**
 * The example bank's Engage actions (POST/GET /engage/{action}), after the vendor's money-transfer
 * example: Engage's API step sends session variables and dialog-state ids, we answer with the `account`
 * namespace and the dialog state to jump to.
 */
const ACCOUNT_SYNONYMS: Record<string, AccountType> = {
  savings_account: "savings",
  savings: "savings",
  saving: "savings",
  regular_account: "regular",
  regular: "regular",
  current: "regular",
  checking: "regular",
};

const accountType = z.pipe(
  z.pipe(
    z.string({ error: "is required: savings_account or regular" }),
    // Own keys only: "__proto__" or "constructor" must not find the object's prototype.
    z.transform((value: string) => {
      const key = value.trim().toLowerCase();
      return Object.hasOwn(ACCOUNT_SYNONYMS, key) ? ACCOUNT_SYNONYMS[key] : undefined;
    }),
  ),
  z.custom<AccountType>((value) => value !== undefined, { error: "is unknown: use savings_account or regular" }),
);

const dialogStateId = z.coerce
  .string({ error: "is required: the id of a dialog state" })
  .check(z.minLength(1, { error: "is required: the id of a dialog state" }), z.maxLength(256, { error: "must be at most 256 characters" }));

/** Whose accounts: the flow's userId, else its conversation key; the vendor's example has one global account set. */
const ownerOf = (ctx: ActionContext) => ctx.userId ?? ctx.conversationKey ?? "engage-demo";

export function createEngageActions({ accounts }: { accounts: AccountStore }): BotActions {
  return {
    transfer: defineAction({
      input: z.object({
        // Any finite positive amount (the vendor's example): one beyond balance plus limit goes to transactionNoMoney.
        // Rounded to cents here, so an amount that rounds to 0 is refused too.
        amount: z.pipe(
          z.coerce.number({ error: "is required and must be a number" }),
          z.pipe(
            z.transform((value: number) => amountInCents(value)),
            z.custom<number>((value) => value !== undefined, { error: "must be at least 0.01" }),
          ),
        ),
        destination: z.coerce.string({ error: "is required" }).check(z.minLength(1, { error: "is required" }), z.maxLength(200, { error: "must be at most 200 characters" })),
        accountType,
        transactionSuccess: dialogStateId,
        transactionNoMoney: dialogStateId,
      }),
      run: async (input, ctx) => {
        const outcome = await accounts.transfer(ownerOf(ctx), {
          id: ctx.idempotencyKey,
          account: input.accountType,
          amount: input.amount,
          destination: input.destination,
        });
        return {
          session: { namespace: "account", data: { limit: outcome.limit, amount: outcome.balance } },
          nextDialogstate: outcome.status === "done" ? input.transactionSuccess : input.transactionNoMoney,
        };
      },
    }),

    balance: defineAction({
      input: z.object({ accountType: z._default(z.optional(accountType), "regular") }),
      run: async (input, ctx) => {
        const account = (await accounts.accounts(ownerOf(ctx)))[input.accountType];
        return { session: { namespace: "account", data: { limit: account.limit, amount: account.balance } } };
      },
    }),
  };
}
