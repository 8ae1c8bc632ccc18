import type { APIGatewayProxyResultV2 } from "aws-lambda";

/** GET /health: liveness only (no store call), so load balancers and `npm start` can poll it cheaply. */
export const handler = async (): Promise<APIGatewayProxyResultV2> => ({
  statusCode: 200,
  headers: { "content-type": "application/json" },
  body: JSON.stringify({ status: "ok" }),
});
