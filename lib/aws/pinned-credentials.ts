import type { AwsCredentialIdentity, AwsCredentialIdentityProvider } from "@smithy/types";

/**
 * For `npm start` against real AWS: the functions it serves are the deployed bundles, which read credentials from
 * the environment only (lib/aws/environment-credentials.ts). A profile (SSO, an assumed role, ~/.aws files) is
 * resolved once, before they start, with the SDK's full chain, and handed to them as environment variables.
 */

/** True when the functions could not take the credentials from the environment as it is. */
export function needsPinning(env: Readonly<Record<string, string | undefined>>): boolean {
  // The SDK's chain prefers AWS_PROFILE over the key pair when both are set: so does npm start.
  return Boolean(env.AWS_PROFILE) || !(env.AWS_ACCESS_KEY_ID && env.AWS_SECRET_ACCESS_KEY);
}

/**
 * Resolves `provider` once and writes the result into `env` (AWS_PROFILE removed, so every client sees one
 * source). Temporary credentials then last as long as they do: after they expire, restart npm start.
 */
export async function pinCredentials(env: Record<string, string | undefined>, provider: AwsCredentialIdentityProvider): Promise<AwsCredentialIdentity> {
  const credentials = await provider();
  env.AWS_ACCESS_KEY_ID = credentials.accessKeyId;
  env.AWS_SECRET_ACCESS_KEY = credentials.secretAccessKey;
  setOrDelete(env, "AWS_SESSION_TOKEN", credentials.sessionToken);
  setOrDelete(env, "AWS_CREDENTIAL_EXPIRATION", credentials.expiration?.toISOString());
  delete env.AWS_PROFILE;
  return credentials;
}

function setOrDelete(env: Record<string, string | undefined>, name: string, value: string | undefined): void {
  if (value) env[name] = value;
  else delete env[name];
}
