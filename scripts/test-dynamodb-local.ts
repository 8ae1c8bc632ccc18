/**
 * The second half of `npm test`: every test that touches the store, again on Amazon's DynamoDB Local (where
 * dynalite and DynamoDB disagree, DynamoDB Local is the truth), with AWS_REGION set to a region other than
 * serverless.yml's default, so that a table created in one region and read in another fails here as it would in AWS.
 *
 *   npm run test:dynamodb-local [-- <jest args>]     (needs Java 17+)
 */
import { spawn } from "node:child_process";
import { join } from "node:path";
import { startDynamoDbLocal } from "./dynamodb-local";

/** The suites that read or write DynamoDB (unit suites of renderers, schemas and the package test do not). */
const STORE_SUITES = ["test/integration", "test/conformance", "test/session", "test/engine", "test/jobs", "test/faults", "test/property", "test/ai", "test/e2e", "test/tools", "test/deployment", "test/metrics"];
/** Not serverless.yml's default (eu-central-1): the region mismatch of npm start would show. */
const REGION = "us-east-1";

async function main(): Promise<number> {
  process.env.AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED = "true";
  const local = await startDynamoDbLocal();
  const args = process.argv.length > 2 ? process.argv.slice(2) : STORE_SUITES;
  console.log(`DynamoDB Local at ${local.endpoint}, AWS_REGION=${REGION}: jest ${args.join(" ")}`);
  try {
    const jest = spawn(join(__dirname, "..", "node_modules", ".bin", "jest"), args, {
      cwd: join(__dirname, ".."),
      stdio: "inherit",
      env: { ...process.env, AWS_ENDPOINT_URL_DYNAMODB: local.endpoint, AWS_REGION: REGION, ONEBOT_TEST_ENGINE: "dynamodb-local" },
    });
    return await new Promise<number>((resolve) => jest.on("exit", (code, signal) => resolve(code ?? (signal ? 1 : 0))));
  } finally {
    await local.close();
  }
}

main().then(
  (code) => process.exit(code),
  (err: Error) => {
    console.error(`test:dynamodb-local: ${err.message}`);
    process.exit(1);
  },
);
