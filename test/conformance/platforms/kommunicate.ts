import { localSecrets } from "../../support/local-secrets";
import { kommunicate } from "../../../lib/platforms/kommunicate/platform";
import { kmTextRequest } from "../../platforms/kommunicate/fixtures";
import { defineConformance } from "../contract";

/** Kommunicate: the configured header (x-webhook-secret by default) carries the shared secret; `key` is the message id. */
const SECRET = localSecrets.KOMMUNICATE_WEBHOOK_SECRET;

export const conformance = defineConformance(kommunicate, {
  endpoints: {
    webhook: {
      sign: () => ({ "x-webhook-secret": SECRET }),
      forge: () => ({
        "another secret": { headers: { "x-webhook-secret": "not-the-secret" } },
        "the secret in upper case": { headers: { "x-webhook-secret": SECRET.toUpperCase() } },
        "the secret without its last character": { headers: { "x-webhook-secret": SECRET.slice(0, -1) } },
        "the secret in another header": { headers: { "x-api-key": SECRET } },
      }),
      valid: ({ unique }) => ({ body: kmTextRequest("hi", { groupId: unique("km-group"), key: unique("km-key") }) }),
      status: 200,
      wrongTypes: (valid) => {
        const body = valid as Record<string, unknown>;
        return {
          "message is an object": { ...body, message: { text: "hi" } },
          "groupId is a list": { ...body, groupId: [body.groupId] },
          "key is a number": { ...body, key: 42 },
          "metadata is a list": { ...body, metadata: ["x"] },
        };
      },
    },
  },
});
