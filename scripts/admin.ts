/**
 * `npm run admin`: dynamodb-admin (a web UI, http://localhost:8001) on the running local stack's store.
 * Fetched by npx on first use; not a dependency of the project.
 */
import { spawn } from "node:child_process";
import { readStackFile, stackFilePath } from "./stack-file";

const stack = readStackFile();
if (!stack) {
  console.error(`admin: the local stack is not running (no live ${stackFilePath()}): start it with \`npm start\` first`);
  process.exit(1);
}
const child = spawn("npx", ["--yes", "dynamodb-admin@5.3.3", ...process.argv.slice(2)], {
  stdio: "inherit",
  env: {
    ...process.env,
    DYNAMO_ENDPOINT: stack.dynamoEndpoint,
    AWS_REGION: stack.region,
    ...(stack.dynamoEmbedded ? { AWS_ACCESS_KEY_ID: "local", AWS_SECRET_ACCESS_KEY: "local" } : {}),
  },
});
for (const signal of ["SIGINT", "SIGTERM"] as const) process.on(signal, () => child.kill(signal));
child.on("exit", (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
