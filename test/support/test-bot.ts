import * as z from "zod/mini";
import { card, carousel, choice, link, say, type BotReply } from "../../lib/conversation";
import { defineAction } from "../../lib/engine/actions";
import { defineBot, type DialogContext } from "../../lib/engine/bot";
import type { BotFactory } from "../../lib/runtime";

/**
 * The platform and engine tests' own bot, so replacing the example bank (bot/) breaks no platform test. Small
 * and predictable: every kind a renderer must show, one of each thing the engine does.
 * - first contact, `welcome` or `handover_ended` event, "hi"/"hello"/"menu": a greeting with quick replies;
 * - "agent" (typed or the AGENT postback): a handover to a human;
 * - "card" / "carousel": a card with a picture and a link, or two of them;
 * - media, files and locations: "Received your <type> "<name>"." / "Received your location (<lat>, <long>).";
 * - any other text: "You said: <text>", counting the turns in the session's `test` namespace;
 * - the action `echo` (Engage's API step): `{ text }` → the `test` namespace and the dialog state `echoed`.
 */
export const TEST_GREETING = "Hello {user.name}! This is the test bot.";
// Four, most important first: channels that show fewer (Viber: 3) cut from the end.
export const testMenu = [choice("Echo", "ECHO"), choice("Card", "CARD"), choice("Agent", "AGENT"), choice("Carousel", "CAROUSEL")];

export const testCard = {
  title: "Test card",
  description: "A card with a picture and two buttons.",
  media: { url: "https://example.com/img/test-card.png" },
  suggestions: [link("Open", "https://example.com/test"), choice("Echo", "ECHO")],
};

type Context = Omit<DialogContext, "goto">;

function route(ctx: Context) {
  const { message } = ctx.turn;
  if (message.type === "event" && (message.name === "welcome" || message.name === "handover_ended")) return "greeting";
  if (["picture", "video", "audio", "file", "fileList", "location"].includes(message.type)) return "received";
  const text = ctx.text?.toLowerCase();
  if (text === "agent") return "agent";
  if (text === "card") return "card";
  if (text === "carousel") return "carousel";
  if (text === "hi" || text === "hello" || text === "menu") return "greeting";
  return undefined;
}

export const testBot: BotFactory = () => ({
  bot: defineBot({
    initial: "greeting",
    defaultState: "echo",
    route,
    states: {
      greeting: (ctx): BotReply => ({
        session: { namespace: "user", data: { name: ctx.turn.userName ?? ctx.namespaces.user?.name ?? "there" } },
        messages: [say(TEST_GREETING, testMenu)],
        nextDialogstate: "echo",
      }),
      echo: (ctx): BotReply => ({
        session: { namespace: "test", data: { turns: Number(ctx.namespaces.test?.turns ?? 0) + 1 } },
        messages: [say(`You said: ${ctx.text ?? `(${ctx.turn.message.type})`}`, testMenu)],
        nextDialogstate: "echo",
      }),
      card: (): BotReply => ({ messages: [card(testCard)], nextDialogstate: "echo" }),
      carousel: (): BotReply => ({ messages: [carousel([testCard, { ...testCard, title: "Second card" }])], nextDialogstate: "echo" }),
      // What arrived, in detail: platform tests check their inbound mapping through it.
      received: (ctx): BotReply => {
        const { message } = ctx.turn;
        const what =
          message.type === "location"
            ? `location (${message.latitude}, ${message.longitude})`
            : message.type === "fileList"
              ? `${message.files.length} files`
              : "media" in message
                ? `${message.type} "${message.media.name ?? "attachment"}"`
                : message.type;
        return { messages: [say(`Received your ${what}.`)], nextDialogstate: "echo" };
      },
      agent: (): BotReply => ({ messages: [say("Handing you over to a human.")], handover: { reason: "the user asked for an agent" } }),
    },
  }),
  actions: {
    echo: defineAction({
      input: z.object({ text: z.string() }),
      run: (input) => ({ session: { namespace: "test", data: { echoed: input.text } }, nextDialogstate: "echoed" }),
    }),
  },
});
