import { readBotpressSettings, type BotpressConfig } from "../../../lib/platforms/botpress/settings";

/** The local stage's Botpress settings (defaults), and a config as the handlers see it. */
export const localBotpress = () => readBotpressSettings({ BOT_STAGE: "local" });

export const testConfig: BotpressConfig = {
  botId: "onebot",
  email: "local@example.com",
  password: "local-botpress-password",
  replyBudgetMs: 5_000,
};

/** One converse body per inbound type Business Messenger sends to Botpress (docs/platforms/botpress.md §3). */
export const bmInboundBodies = {
  text: { type: "text", text: "hi" },
  image: { type: "image", image: "https://cdn.example.com/in/receipt.png" },
  audio: { type: "audio", audio: "https://cdn.example.com/in/voice%20note.ogg" },
  video: { type: "video", video: "https://cdn.example.com/in/clip.mp4" },
  file: { type: "file", file: "https://cdn.example.com/in/statement.pdf" },
  location: { type: "location", latitude: 52.37, longitude: 4.89 },
  response: { type: "response", response: "form", responseData: { name: "Ana", amount: 100 } },
} as const;
