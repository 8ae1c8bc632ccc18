import { needsPinning, pinCredentials } from "../../lib/aws/pinned-credentials";

/** npm start hands the functions (environment-only bundles) whatever credentials the shell's profile resolves to. */
test.each([
  ["a profile", { AWS_PROFILE: "dev" }, true],
  ["a profile and a key pair (the SDK prefers the profile)", { AWS_PROFILE: "dev", AWS_ACCESS_KEY_ID: "a", AWS_SECRET_ACCESS_KEY: "b" }, true],
  ["a key id without its secret", { AWS_ACCESS_KEY_ID: "a" }, true],
  ["a key pair", { AWS_ACCESS_KEY_ID: "a", AWS_SECRET_ACCESS_KEY: "b" }, false],
])("%s: resolve first = %s", (_, env, expected) => {
  expect(needsPinning(env)).toBe(expected);
});

test("resolved credentials replace the profile in the environment, with their token and expiry", async () => {
  const env: Record<string, string | undefined> = { AWS_PROFILE: "dev", AWS_SESSION_TOKEN: "stale", OTHER: "kept" };
  const expiration = new Date("2030-01-01T00:00:00.000Z");
  await pinCredentials(env, async () => ({ accessKeyId: "AKID", secretAccessKey: "SECRET", sessionToken: "TOKEN", expiration }));
  expect(env).toEqual({ AWS_ACCESS_KEY_ID: "AKID", AWS_SECRET_ACCESS_KEY: "SECRET", AWS_SESSION_TOKEN: "TOKEN", AWS_CREDENTIAL_EXPIRATION: expiration.toISOString(), OTHER: "kept" });
});

test("long-term keys leave no stale session token or expiry behind", async () => {
  const env: Record<string, string | undefined> = { AWS_PROFILE: "dev", AWS_SESSION_TOKEN: "stale", AWS_CREDENTIAL_EXPIRATION: "2000-01-01T00:00:00Z" };
  await pinCredentials(env, async () => ({ accessKeyId: "AKID", secretAccessKey: "SECRET" }));
  expect(env).toEqual({ AWS_ACCESS_KEY_ID: "AKID", AWS_SECRET_ACCESS_KEY: "SECRET" });
});

test("a failing profile (an expired SSO session) leaves the environment as it was", async () => {
  const env: Record<string, string | undefined> = { AWS_PROFILE: "dev" };
  await expect(pinCredentials(env, async () => Promise.reject(new Error("The SSO session has expired")))).rejects.toThrow("expired");
  expect(env).toEqual({ AWS_PROFILE: "dev" });
});
