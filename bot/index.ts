import type { DynamoDBDocumentClient } from "@aws-sdk/lib-dynamodb";
import type { BotActions } from "../lib/engine/actions";
import type { Bot } from "../lib/engine/bot";
import { AccountStore } from "./accounts";
import { createBankBot } from "./bank-bot";
import { createEngageActions } from "./engage-actions";

export interface BotDeps {
  doc: DynamoDBDocumentClient;
  sessionsTable: string;
  clock: () => number;
  /** How long the bank remembers a transfer id (SESSION_TTL_DAYS). */
  sessionTtlDays: number;
}

/** The composition point of the user's bot: its dialog states and its named actions. Replace with your own. */
export function createBot(deps: BotDeps): { bot: Bot; actions: BotActions } {
  const accounts = new AccountStore(deps.doc, deps.sessionsTable, deps.clock, deps.sessionTtlDays);
  return { bot: createBankBot({ accounts }), actions: createEngageActions({ accounts }) };
}
