import { HttpRequest } from "@smithy/core/protocols";
import { Sha256 } from "@smithy/core/checksum";
import { isServerError, isThrottlingError, isTransientError } from "@smithy/core/retry";
import { NodeHttpHandler, streamCollector } from "@smithy/node-http-handler";
import { SignatureV4 } from "@smithy/signature-v4";
import type { AwsCredentialIdentityProvider } from "@smithy/types";
import { defaultProvider } from "./environment-credentials";

/**
 * One AWS JSON-protocol call (POST /, `x-amz-target`, a JSON body), signed and sent by the AWS SDK's own pieces that
 * every bundle already carries for DynamoDB: @smithy/signature-v4, @smithy/node-http-handler, the SDK's retry
 * classification and the environment credentials (lib/aws/environment-credentials.ts). The deployed bundles'
 * Secrets Manager and SQS clients (lib/aws/secrets-manager.ts, lib/aws/sqs.ts, serverless.yml's esbuild aliases)
 * are this and a few lines each, instead of a whole SDK client each (issue 16, lean bundles: -11 KB per function, -27 KB more where one enqueues).
 *
 * As the SDK's clients do: the endpoint is the client's `endpoint`, else AWS_ENDPOINT_URL_<SERVICE ID>, else
 * AWS_ENDPOINT_URL, else the service's regional endpoint; up to `maxAttempts` attempts (3) with the SDK's
 * "standard" retry decision (throttling, transient and 5xx errors, network errors) and full-jitter backoff
 * (base 100 ms, 500 ms when throttled); an error answer becomes an Error named after its `__type` (its code),
 * with `$fault` and `$metadata.httpStatusCode`.
 */
export interface AwsJsonClientConfig {
  region?: string;
  endpoint?: string;
  maxAttempts?: number;
  credentials?: { accessKeyId: string; secretAccessKey: string; sessionToken?: string } | AwsCredentialIdentityProvider;
  requestHandler?: { connectionTimeout?: number; requestTimeout?: number; throwOnRequestTimeout?: boolean };
}

export interface AwsJsonService {
  /** Signing name and endpoint prefix: `secretsmanager`, `sqs`. */
  signingName: string;
  /** AWS_ENDPOINT_URL_<this>: the SDK's service id, upper case, spaces as underscores. */
  endpointEnv: string;
  /** `x-amz-target` prefix: `secretsmanager`, `AmazonSQS`. */
  targetPrefix: string;
  /** 1.0 or 1.1 (application/x-amz-json-<version>). */
  jsonVersion: "1.0" | "1.1";
}

export type AwsServiceError = Error & { $fault: "client" | "server"; $metadata: { httpStatusCode?: number; attempts: number } };

const DEFAULT_ATTEMPTS = 3;
const BASE_DELAY_MS = 100;
const THROTTLED_BASE_DELAY_MS = 500;
const MAX_DELAY_MS = 20_000;

export class AwsJsonClient {
  private readonly handler: NodeHttpHandler;
  private signerOf: SignatureV4 | undefined;
  private readonly region: string;

  constructor(
    private readonly service: AwsJsonService,
    private readonly config: AwsJsonClientConfig = {},
  ) {
    this.region = config.region ?? process.env.AWS_REGION ?? process.env.AWS_DEFAULT_REGION ?? "";
    this.handler = new NodeHttpHandler(config.requestHandler ?? {});
  }

  /** Made on the first call: as with the SDK's clients, a missing region fails the call (caught there), not `new`. */
  private get signer(): SignatureV4 {
    if (!this.region) throw new Error("Region is missing");
    const credentials = this.config.credentials;
    return (this.signerOf ??= new SignatureV4({
      service: this.service.signingName,
      region: this.region,
      sha256: Sha256,
      credentials: typeof credentials === "function" ? credentials : credentials ? async () => credentials : defaultProvider(),
    }));
  }

  /** The endpoint of a call; `fallback` (SQS: the queue URL's origin) comes before the regional one. */
  endpoint(fallback?: string): URL {
    const { endpointEnv, signingName } = this.service;
    const given = this.config.endpoint ?? process.env[`AWS_ENDPOINT_URL_${endpointEnv}`] ?? process.env.AWS_ENDPOINT_URL ?? fallback;
    return new URL(given ?? `https://${signingName}.${this.region}.amazonaws.com${this.region.startsWith("cn-") ? ".cn" : ""}`);
  }

  async call<T>(operation: string, input: object, endpoint: URL = this.endpoint()): Promise<T> {
    const body = JSON.stringify(input);
    const maxAttempts = Math.max(1, this.config.maxAttempts ?? DEFAULT_ATTEMPTS);
    for (let attempt = 1; ; attempt++) {
      let error: AwsServiceError;
      try {
        return await this.once<T>(operation, body, endpoint, attempt);
      } catch (err) {
        error = err as AwsServiceError;
      }
      const sdkError = error as unknown as Parameters<typeof isThrottlingError>[0];
      const throttled = isThrottlingError(sdkError);
      const retryable = throttled || isTransientError(sdkError) || isServerError(sdkError);
      if (!retryable || attempt >= maxAttempts) throw error;
      const cap = Math.min(MAX_DELAY_MS, (throttled ? THROTTLED_BASE_DELAY_MS : BASE_DELAY_MS) * 2 ** (attempt - 1));
      await new Promise((resolve) => setTimeout(resolve, Math.random() * cap));
    }
  }

  private async once<T>(operation: string, body: string, url: URL, attempt: number): Promise<T> {
    const { jsonVersion, targetPrefix } = this.service;
    const request = new HttpRequest({
      protocol: url.protocol,
      hostname: url.hostname,
      ...(url.port ? { port: Number(url.port) } : {}),
      method: "POST",
      path: url.pathname || "/",
      headers: {
        host: url.host,
        "content-type": `application/x-amz-json-${jsonVersion}`,
        "content-length": String(Buffer.byteLength(body)),
        "x-amz-target": `${targetPrefix}.${operation}`,
      },
      body,
    });
    let status: number | undefined;
    let headers: Record<string, string> = {};
    let text: string;
    try {
      const { response } = await this.handler.handle((await this.signer.sign(request)) as HttpRequest);
      status = response.statusCode;
      headers = response.headers;
      text = Buffer.from(await streamCollector(response.body)).toString("utf8");
    } catch (err) {
      // No answer (network, timeout): the SDK's error classes decide on err.name and err.code, as here.
      throw Object.assign(err as Error, { $metadata: { attempts: attempt } });
    }
    const parsed = text ? (JSON.parse(text) as Record<string, unknown>) : {};
    if (status >= 200 && status < 300) return parsed as T;
    // `com.amazonaws.sqs#QueueDoesNotExist`, `ResourceNotFoundException`; query-compatible services (SQS) may
    // also say it in x-amzn-query-error (`AWS.SimpleQueueService.NonExistentQueue;Sender`), as the SDK reads it.
    const type = String(parsed.__type ?? parsed.code ?? headers["x-amzn-errortype"] ?? `Http${status}Error`);
    const queryError = headers["x-amzn-query-error"]?.split(";")[0];
    const name = queryError || type.replace(/^.*#/, "").replace(/:.*$/, "");
    const message = String(parsed.message ?? parsed.Message ?? name);
    const error = new Error(message) as AwsServiceError;
    error.name = name;
    error.$fault = status >= 500 ? "server" : "client";
    error.$metadata = { httpStatusCode: status, attempts: attempt };
    throw error;
  }

  destroy(): void {
    this.handler.destroy();
  }
}
