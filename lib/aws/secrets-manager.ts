import { AwsJsonClient, type AwsJsonClientConfig } from "./aws-json";

/**
 * Stands in for `@aws-sdk/client-secrets-manager` in the deployed bundles (serverless.yml's esbuild alias): the one
 * command lib/deployment/secrets.ts sends, GetSecretValue, over lib/aws/aws-json.ts. Measured: every function is
 * 11 KB smaller with this than with the SDK's client (its schemas, error classes, endpoint rules, package.json),
 * the shared caller included. Same input and output shapes (SecretBinary as bytes, CreatedDate as a Date), same errors by name
 * (ResourceNotFoundException…). Tests and scripts (npm run secrets) use the SDK's client; the packaged functions'
 * test (test/deployment/stage-secrets.test.ts) runs this one against the Secrets Manager stand-in.
 */
export interface GetSecretValueCommandInput {
  SecretId: string;
  VersionId?: string;
  VersionStage?: string;
}

export interface GetSecretValueCommandOutput {
  ARN?: string;
  Name?: string;
  VersionId?: string;
  SecretString?: string;
  SecretBinary?: Uint8Array;
  VersionStages?: string[];
  CreatedDate?: Date;
}

export class GetSecretValueCommand {
  constructor(readonly input: GetSecretValueCommandInput) {}
}

const SERVICE = { signingName: "secretsmanager", endpointEnv: "SECRETS_MANAGER", targetPrefix: "secretsmanager", jsonVersion: "1.1" } as const;

export class SecretsManagerClient {
  private readonly client: AwsJsonClient;

  constructor(config: AwsJsonClientConfig = {}) {
    this.client = new AwsJsonClient(SERVICE, config);
  }

  async send(command: { input: GetSecretValueCommandInput }): Promise<GetSecretValueCommandOutput> {
    if (typeof command.input?.SecretId !== "string") throw new Error("this Secrets Manager client only sends GetSecretValue");
    const out = await this.client.call<Omit<GetSecretValueCommandOutput, "SecretBinary" | "CreatedDate"> & { SecretBinary?: string; CreatedDate?: number }>("GetSecretValue", command.input);
    const { SecretBinary, CreatedDate, ...rest } = out;
    return {
      ...rest,
      ...(SecretBinary !== undefined ? { SecretBinary: new Uint8Array(Buffer.from(SecretBinary, "base64")) } : {}),
      ...(CreatedDate !== undefined ? { CreatedDate: new Date(CreatedDate * 1000) } : {}),
    };
  }

  destroy(): void {
    this.client.destroy();
  }
}
