import { parseWith } from "../../lib/http/body";
import { HttpError } from "../../lib/http/errors";
import { KommunicateWebhookRequest } from "../../lib/platforms/kommunicate/schema";

/** The schemas are zod/mini, which has no messages of its own: body.ts loads zod's English locale. */
test("a 400 names each wrong field and says what is wrong with it, in English", () => {
  let error: unknown;
  try {
    parseWith(KommunicateWebhookRequest, { key: 5, groupId: "", metadata: "{oops" }, "Kommunicate");
  } catch (err) {
    error = err;
  }
  expect(error).toBeInstanceOf(HttpError);
  expect((error as HttpError).issues).toEqual([
    { path: "key", message: "Invalid input: expected string, received number" },
    { path: "groupId", message: "Too small: expected string to have >=1 characters" },
    { path: "metadata", message: "metadata is a string but not a JSON object" },
  ]);
});
