import type { BotFactory } from "../lib/runtime";
import { AccountStore } from "./accounts";
import { createBankBot } from "./bank-bot";
import { createEngageActions } from "./engage-actions";

/**
 * The example bank: its dialog states and its named actions, over its accounts in the bot's store. The
 * composition root (app/runtime.ts) hands it to the runtime; replace it there with your own bot.
 */
export const bankBot: BotFactory = ({ store, clock, sessionTtlDays }) => {
  // The bank remembers a transfer id as long as a session lives (SESSION_TTL_DAYS).
  const accounts = new AccountStore(store, clock, sessionTtlDays);
  return { bot: createBankBot({ accounts }), actions: createEngageActions({ accounts }) };
};
