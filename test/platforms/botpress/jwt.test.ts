import { createHmac } from "node:crypto";
import { TOKEN_LIFETIME_MS, issueToken, signingKey, verifyToken } from "../../../lib/platforms/botpress/jwt";
import { testConfig } from "./fixtures";

const now = Date.UTC(2026, 0, 15, 12, 0, 0);
const decode = (segment: string) => JSON.parse(Buffer.from(segment, "base64url").toString("utf8"));

describe("Botpress login token (HS256)", () => {
  it("is a three-part HS256 JWT with v12's audience, the account's email and a 1 h expiry", () => {
    const [header, payload] = issueToken(testConfig, now).split(".");
    expect(decode(header!)).toEqual({ alg: "HS256", typ: "JWT" });
    expect(decode(payload!)).toEqual({
      email: "local@example.com",
      strategy: "default",
      aud: "collaborators",
      iss: "onebot-botpress",
      iat: now / 1000,
      exp: now / 1000 + 3600,
    });
    expect(TOKEN_LIFETIME_MS).toBe(3_600_000);
  });

  it("verifies until it expires, then not", () => {
    const token = issueToken(testConfig, now);
    expect(verifyToken(token, testConfig, now).ok).toBe(true);
    expect(verifyToken(token, testConfig, now + TOKEN_LIFETIME_MS - 1000).ok).toBe(true);
    expect(verifyToken(token, testConfig, now + TOKEN_LIFETIME_MS)).toEqual({ ok: false, reason: "Authentication token expired" });
  });

  it("refuses a token issued in the future (beyond a minute of clock skew)", () => {
    expect(verifyToken(issueToken(testConfig, now + 30_000), testConfig, now).ok).toBe(true);
    expect(verifyToken(issueToken(testConfig, now + 120_000), testConfig, now).ok).toBe(false);
  });

  it("refuses forgeries: changed claims, another key, alg none, mangled signature, garbage", () => {
    const token = issueToken(testConfig, now);
    const [header, payload, signature] = token.split(".") as [string, string, string];
    const longer = Buffer.from(JSON.stringify({ ...decode(payload), exp: now / 1000 + 86_400 })).toString("base64url");
    const none = Buffer.from(JSON.stringify({ alg: "none", typ: "JWT" })).toString("base64url");
    const hs512 = Buffer.from(JSON.stringify({ alg: "HS512", typ: "JWT" })).toString("base64url");
    const resigned = (h: string, p: string, key: Buffer | string) => `${h}.${p}.${createHmac(h === hs512 ? "sha512" : "sha256", key).update(`${h}.${p}`).digest("base64url")}`;
    const forged = [
      `${header}.${longer}.${signature}`,
      resigned(header, longer, "guessed-secret"),
      resigned(header, longer, testConfig.password), // the password itself is not the key
      `${none}.${payload}.`,
      resigned(hs512, payload, signingKey(testConfig)),
      `${header}.${payload}.${signature.slice(0, -2)}`,
      `${header}.${payload}.${signature}!`,
      `${header}.${payload}`,
      "",
      "not.a.token",
      `${token}.${signature}`,
      "x".repeat(10_000),
    ];
    for (const t of forged) expect(verifyToken(t, testConfig, now)).toEqual({ ok: false, reason: "Invalid authentication token" });
  });

  it("a token of another account, or signed before the password changed, is refused", () => {
    const token = issueToken(testConfig, now);
    expect(verifyToken(token, { ...testConfig, email: "someone@example.com" }, now).ok).toBe(false);
    expect(verifyToken(token, { ...testConfig, password: "a-new-password" }, now).ok).toBe(false);
  });

  it("with BOTPRESS_JWT_SECRET set, that secret signs (the password does not matter to the token)", () => {
    const withSecret = { ...testConfig, jwtSecret: "j".repeat(40) };
    const token = issueToken(withSecret, now);
    expect(verifyToken(token, { ...withSecret, password: "changed" }, now).ok).toBe(true);
    expect(verifyToken(token, testConfig, now).ok).toBe(false);
    const [h, p] = token.split(".");
    expect(token.split(".")[2]).toBe(createHmac("sha256", "j".repeat(40)).update(`${h}.${p}`).digest("base64url"));
  });

  it("the derived key is not the password and is stable per account", () => {
    const key = signingKey(testConfig);
    expect(key).toHaveLength(32);
    expect(key.equals(Buffer.from(testConfig.password))).toBe(false);
    expect(signingKey({ ...testConfig }).equals(key)).toBe(true);
  });
});
