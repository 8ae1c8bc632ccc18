// Runs one packaged function in this process as Lambda would: `require` the bundle once, then one invocation per
// IPC message, with a Lambda context whose clock runs from the message's remainingMs. Plain JS: no transform.
const bundle = require(process.argv[2]);
let invocations = 0;

process.on("message", async ({ id, event, remainingMs }) => {
  const deadline = Date.now() + remainingMs;
  const requestId = `bundle-invocation-${++invocations}`;
  const context = {
    functionName: process.env.AWS_LAMBDA_FUNCTION_NAME || "bundle",
    functionVersion: "$LATEST",
    invokedFunctionArn: "arn:aws:lambda:us-east-1:123456789012:function:bundle",
    memoryLimitInMB: "512",
    awsRequestId: requestId,
    logGroupName: "/aws/lambda/bundle",
    logStreamName: "bundle",
    callbackWaitsForEmptyEventLoop: true,
    getRemainingTimeInMillis: () => Math.max(0, deadline - Date.now()),
  };
  try {
    const result = await bundle.handler(event, context);
    process.send({ id, result: result === undefined ? null : result });
  } catch (error) {
    process.send({ id, error: String((error && error.stack) || error) });
  }
});
