import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { Bot } from "../lib/engine/bot";
import { AccountStore } from "./accounts";
import { createBankBot } from "./bank-bot";

/** The composition point of the user's bot: replace createBankBot with your own. */
export function createBot(deps: { doc: DynamoDBDocumentClient; sessionsTable: string; clock: () => number }): Bot {
  return createBankBot({ accounts: new AccountStore(deps.doc, deps.sessionsTable, deps.clock) });
}
