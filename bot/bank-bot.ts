import { carousel, choice, link, say, type BotReply } from "../lib/conversation";
import { defineBot, type Bot, type DialogContext } from "../lib/engine/bot";
import type { AccountStore, TransferOutcome, TransferRequest } from "./accounts";
import { amountInCents } from "./amount";

/**
 * The example bot: a small bank assistant. Each state answers a BotReply; `nextDialogstate` names the
 * state that handles the next message. `{namespace.key}` in texts is filled from the session.
 */
// Most important first: channels that show fewer suggestions cut from the end (WhatsApp and Viber keep 3).
const menu = [choice("Balance", "BALANCE"), choice("Transfer", "TRANSFER"), choice("Agent", "AGENT"), choice("Products", "PRODUCTS")];
const eur = (n: number) => `${n.toFixed(2)} EUR`;
// Any finite positive amount: one beyond balance plus overdraft is refused by the transfer itself.
const parseAmount = (text: string | undefined) => {
  const cleaned = text?.replace(/eur|€/gi, "").replace(",", ".").trim();
  return cleaned ? amountInCents(Number(cleaned)) : undefined;
};

type Context = Omit<DialogContext, "goto">;

/** Global intents, checked before the waiting state. */
function route(ctx: Context) {
  const { message } = ctx.turn;
  // A new conversation, or back from a human agent: greet (again).
  if (message.type === "event" && (message.name === "welcome" || message.name === "handover_ended")) return "greeting";
  if (["picture", "video", "audio", "file", "fileList", "location"].includes(message.type)) return "attachment";
  if (/^agent$/i.test(ctx.text ?? "")) return "agent"; // typed, or the AGENT postback
  if (/^(hi|hello|menu|start)$/i.test(ctx.text ?? "")) return "greeting";
  return undefined;
}

export function createBankBot({ accounts }: { accounts: AccountStore }): Bot {
  const userOf = (ctx: Context) => ctx.turn.userId;
  /** The transfer the conversation asks about: its id was fixed with the question (the asking turn's key). */
  const pendingTransfer = (ctx: Context): TransferRequest => {
    const pending = ctx.namespaces.transfer ?? {};
    return { id: String(pending.id ?? ctx.idempotencyKey), account: "regular", amount: Number(pending.amount), destination: String(pending.destination), by: ctx.idempotencyKey };
  };
  /**
   * Settles the question as declined in the ledger (unless it is settled already): a replay of the asking
   * message asks about the same id again, and a replayed "yes" then finds it declined and moves nothing.
   */
  const decline = (ctx: Context) => accounts.decline(userOf(ctx), pendingTransfer(ctx));

  const bot = defineBot({
    initial: "greeting",
    defaultState: "menu",
    route,
    states: {
      greeting: (ctx): BotReply => ({
        session: { namespace: "user", data: { name: ctx.turn.userName ?? ctx.namespaces.user?.name ?? "there" } },
        messages: [say("Hi {user.name}! I'm the ACME Bank assistant. What can I do for you?", menu)],
        nextDialogstate: "menu",
      }),

      menu: (ctx) => {
        switch (ctx.text?.toUpperCase()) {
          case "BALANCE":
            return ctx.goto("balance");
          case "TRANSFER":
            return ctx.goto("transfer");
          case "PRODUCTS":
            return ctx.goto("products");
          default:
            return ctx.goto("fallback");
        }
      },

      balance: async (ctx): Promise<BotReply> => {
        const { regular, savings } = await accounts.accounts(userOf(ctx));
        return {
          messages: [
            say(
              `Regular account: ${eur(regular.balance)} (overdraft up to ${eur(regular.limit)})\nSavings account: ${eur(savings.balance)}`,
              menu,
            ),
          ],
          nextDialogstate: "menu",
        };
      },

      transfer: (): BotReply => ({
        messages: [say("How much would you like to transfer from your regular account?")],
        nextDialogstate: "transferAmount",
      }),

      transferAmount: (ctx): BotReply => {
        const amount = parseAmount(ctx.text);
        if (amount === undefined) {
          return { messages: [say("Please give an amount in EUR, for example 25 or 12.50.")], nextDialogstate: "transferAmount" };
        }
        return {
          session: { namespace: "transfer", data: { amount } },
          messages: [say("To whom should I send {transfer.amount} EUR?")],
          nextDialogstate: "transferDestination",
        };
      },

      transferDestination: (ctx): BotReply => {
        const destination = ctx.text?.slice(0, 80);
        if (!destination) return { messages: [say("Please type the name of the recipient.")], nextDialogstate: "transferDestination" };
        // The transfer's id is fixed here, with the question: every "yes" to this one question (a redelivery,
        // or the user answering again after a failed turn) confirms the same transfer, never a second one.
        return {
          session: { namespace: "transfer", data: { destination, id: ctx.idempotencyKey } },
          messages: [say("Send {transfer.amount} EUR from your regular account to {transfer.destination}?", [choice("Yes", "CONFIRM"), choice("No", "CANCEL")])],
          nextDialogstate: "transferConfirm",
        };
      },

      transferConfirm: async (ctx): Promise<BotReply> => {
        const answer = ctx.text?.toUpperCase();
        if (answer === "CANCEL" || answer === "NO") {
          const outcome = await decline(ctx);
          return { messages: [say(outcome.status === "declined" ? "Cancelled. Anything else?" : settledEarlier(outcome), menu)], nextDialogstate: "menu" };
        }
        if (answer !== "CONFIRM" && answer !== "YES") {
          return { messages: [say("Please answer Yes or No.", [choice("Yes", "CONFIRM"), choice("No", "CANCEL")])], nextDialogstate: "transferConfirm" };
        }
        const outcome = await accounts.transfer(userOf(ctx), pendingTransfer(ctx));
        // Settled by another turn (declined, or done after a failed turn): say so; nothing moved now.
        if (outcome.status === "declined" || (outcome.status === "done" && outcome.by !== undefined && outcome.by !== ctx.idempotencyKey)) {
          return { messages: [say(settledEarlier(outcome), menu)], nextDialogstate: "menu" };
        }
        if (outcome.status === "no_money") {
          return { messages: [say(`Sorry, that is more than your regular account allows (${eur(outcome.balance)} with an overdraft of ${eur(outcome.limit)}).`, menu)], nextDialogstate: "menu" };
        }
        return {
          session: { namespace: "account", data: { amount: outcome.balance, limit: outcome.limit } },
          messages: [say(`Done! ${eur(outcome.amount)} sent to ${outcome.destination}. New balance: {account.amount} EUR.`, menu)],
          nextDialogstate: "menu",
        };
      },

      products: (): BotReply => ({
        messages: [
          carousel([
            {
              title: "Regular account",
              description: "Everyday banking with an overdraft of up to 500 EUR.",
              media: { url: "https://example.com/img/regular.png" },
              suggestions: [link("Open online", "https://example.com/regular"), choice("Balance", "BALANCE")],
            },
            {
              title: "Savings account",
              description: "2.1% interest, withdraw at any time.",
              media: { url: "https://example.com/img/savings.png" },
              suggestions: [link("Open online", "https://example.com/savings"), choice("Transfer", "TRANSFER")],
            },
          ]),
          say("Anything else?", menu),
        ],
        nextDialogstate: "menu",
      }),

      attachment: (ctx): BotReply => {
        const { message } = ctx.turn;
        const what =
          message.type === "location"
            ? `your location (${message.latitude}, ${message.longitude})`
            : message.type === "fileList"
              ? `${message.files.length} files`
              : "media" in message
                ? `your ${message.type} "${message.media.name ?? "attachment"}"`
                : "your attachment";
        return { messages: [say(`Thanks, I received ${what}. An agent will look at it if needed.`, menu)], nextDialogstate: "menu" };
      },

      agent: (): BotReply => ({
        messages: [say("I'm handing you over to a colleague. A human agent will answer here shortly.")],
        handover: { reason: "the user asked for an agent" },
      }),

      // With an AI responder configured, questions the states do not cover go to it; otherwise a menu.
      fallback: (ctx): BotReply =>
        ctx.aiAvailable && ctx.turn.message.type === "text"
          ? { ai: { instructions: "For balances, transfers or a human agent, tell the user to type Balance, Transfer or Agent." }, nextDialogstate: "menu" }
          : { messages: [say("Sorry, I didn't get that. You can choose one of these:", menu)], nextDialogstate: "menu" },
    },
  });

  return {
    async reply(ctx) {
      // A money question left without a yes or no (a global intent took the message) is declined, like a "no".
      if (ctx.state === "transferConfirm" && !ctx.firstContact && route(ctx) !== undefined && ctx.namespaces.transfer?.id !== undefined) await decline(ctx);
      return bot.reply(ctx);
    },
  };
}

function settledEarlier(outcome: TransferOutcome): string {
  return outcome.status === "declined"
    ? "That transfer was cancelled earlier, so no money was sent. Anything else?"
    : `That transfer was already made earlier (${eur(outcome.amount)} to ${outcome.destination}). Nothing was sent again. Anything else?`;
}


