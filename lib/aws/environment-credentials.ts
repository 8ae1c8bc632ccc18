import { fromEnv } from "@aws-sdk/credential-provider-env";
import type { CredentialProviderOptions } from "@aws-sdk/types";
import { CredentialsProviderError } from "@smithy/core/config";
import type { AwsCredentialIdentityProvider } from "@smithy/types";

/**
 * The AWS SDK clients' default credential provider in the deployed bundles: serverless.yml's custom.esbuild
 * aliases `@aws-sdk/credential-provider-node` to this module. A Lambda function's credentials are always its
 * environment variables (AWS_ACCESS_KEY_ID, AWS_SECRET_ACCESS_KEY, AWS_SESSION_TOKEN), so the SDK's full chain
 * (ini files, SSO, STS, web identity, process, IMDS: about 135 KB per bundle) is dead weight there. `npm start`
 * resolves any other setup (a profile, SSO) into those variables before it starts the functions
 * (scripts/start.ts). Jest runs the TypeScript sources, so tests keep the SDK's full chain.
 */
const REQUIRED = ["AWS_ACCESS_KEY_ID", "AWS_SECRET_ACCESS_KEY"] as const;

/** The name and signature the SDK clients' runtime config imports from `@aws-sdk/credential-provider-node`. */
export function defaultProvider(init: CredentialProviderOptions = {}): AwsCredentialIdentityProvider {
  const fromEnvironment = fromEnv(init);
  return async () => {
    // Names only, never values; and fail at once: there is no other source to wait for.
    const missing = REQUIRED.filter((name) => !process.env[name]);
    if (missing.length) {
      throw new CredentialsProviderError(`no AWS credentials: ${missing.join(" and ")} not set in the environment (this bundle reads credentials from the environment only)`, {
        tryNextLink: false,
        logger: init.logger,
      });
    }
    return fromEnvironment();
  };
}
