import { HttpError } from "../../../lib/http/errors";
import { BOTPRESS_LOCAL_DEFAULTS, readBotpressSettings, requireBotpress } from "../../../lib/platforms/botpress/settings";

describe("Botpress settings", () => {
  it("fills the documented local defaults on the local stage only", () => {
    expect(requireBotpress(readBotpressSettings({ BOT_STAGE: "local" }))).toEqual({
      botId: BOTPRESS_LOCAL_DEFAULTS.BOTPRESS_BOT_ID,
      email: "local@example.com",
      password: "local-botpress-password",
      replyBudgetMs: 5_000,
    });
    expect(readBotpressSettings({ BOT_STAGE: "prod" }).BOTPRESS_PASSWORD).toBeUndefined();
  });

  it("answers 503 on a deployed stage with a setting missing (empty counts as missing)", () => {
    const settings = readBotpressSettings({ BOT_STAGE: "prod", BOTPRESS_BOT_ID: "b1", BOTPRESS_EMAIL: "a@b.c", BOTPRESS_PASSWORD: "" });
    expect(() => requireBotpress(settings)).toThrow(expect.objectContaining({ status: 503 }) as HttpError);
  });

  it("takes a deployed stage's values as given", () => {
    const env = { BOT_STAGE: "prod", BOTPRESS_BOT_ID: "b1", BOTPRESS_EMAIL: "Ops@Example.com", BOTPRESS_PASSWORD: "pw", BOTPRESS_JWT_SECRET: "s".repeat(32), BOTPRESS_REPLY_BUDGET_MS: "4000" };
    expect(requireBotpress(readBotpressSettings(env))).toEqual({ botId: "b1", email: "Ops@Example.com", password: "pw", jwtSecret: "s".repeat(32), replyBudgetMs: 4000 });
  });

  it("an invalid value (a short JWT secret, a budget that is no number) is a 503, never a 500 or a default", () => {
    for (const bad of [{ BOTPRESS_JWT_SECRET: "short" }, { BOTPRESS_REPLY_BUDGET_MS: "soon" }]) {
      const settings = readBotpressSettings({ BOT_STAGE: "local", ...bad });
      expect(settings.invalid).toHaveLength(1);
      expect(() => requireBotpress(settings)).toThrow(expect.objectContaining({ status: 503 }) as HttpError);
    }
  });
});
