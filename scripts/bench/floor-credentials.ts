/**
 * Stands in for @aws-sdk/credential-provider-node in the floor bundle (an esbuild alias, scripts/bench/bundles.ts):
 * Lambda always sets AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY and AWS_SESSION_TOKEN, so the SDK's default chain
 * (SSO, STS, ini files, IMDS) is dead weight there. The clients import only `defaultProvider` from that package
 * and call it with their config; it returns the credential provider.
 */
export const defaultProvider = (_init?: unknown) => async () => {
  const { AWS_ACCESS_KEY_ID: accessKeyId, AWS_SECRET_ACCESS_KEY: secretAccessKey, AWS_SESSION_TOKEN: sessionToken } = process.env;
  if (!accessKeyId || !secretAccessKey) throw new Error("AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY are not set");
  return { accessKeyId, secretAccessKey, ...(sessionToken ? { sessionToken } : {}) };
};
