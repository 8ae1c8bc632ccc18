import { localSecrets } from "../../support/local-secrets";
import { engage } from "../../../lib/platforms/engage/platform";
import { defineConformance } from "../contract";

/** Sinch Engage API steps: `Authorization: Bearer $ENGAGE_API_TOKEN`; a call is idempotent by its requestId. */
const TOKEN = localSecrets.ENGAGE_API_TOKEN;
/** The tests' bot (test/support/test-bot.ts) has one action, `echo`: `{ text }` → its `test` namespace. */
const ACTION = "echo";

export const conformance = defineConformance(engage, {
  endpoints: {
    api: {
      sign: () => ({ authorization: `Bearer ${TOKEN}` }),
      forge: () => ({
        "another token": { headers: { authorization: "Bearer not-the-token" } },
        "the token with a suffix": { headers: { authorization: `Bearer ${TOKEN}x` } },
        "the token as Basic": { headers: { authorization: `Basic ${TOKEN}` } },
        "the token without a scheme": { headers: { authorization: TOKEN } },
      }),
      valid: ({ unique }) => ({ body: { text: "hi", sessionId: unique("engage-session"), requestId: unique("engage-request") }, params: { action: ACTION } }),
      status: 200,
      wrongTypes: (valid) => {
        const body = valid as Record<string, unknown>;
        return {
          "text is a number": { ...body, text: 5 },
          "text is an object": { ...body, text: { value: "hi" } },
          "text is a list": { ...body, text: ["hi"] },
          "text is null": { ...body, text: null },
        };
      },
      unboundedFields: ["text"],
      why: "an API step's parameters are its action's input as given: the test bot's echo keeps `text` in its session, and a session over DynamoDB's item size is a bot bug (InvalidSessionUpdateError, 500 by design)",
    },
  },
});
