import { jsonText, parseJsonBody, parseWith } from "../../lib/http/body";
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

describe("parseJsonBody", () => {
  const parse = (text: string | Buffer) => parseJsonBody(Buffer.isBuffer(text) ? text : Buffer.from(text, "utf8"));
  const status = (text: string) => {
    try {
      parse(text);
      return 200;
    } catch (err) {
      return (err as HttpError).status;
    }
  };

  test("refuses every JSON value that is not an object with a 400", () => {
    for (const text of ["0", "1", "-1.5", "null", "false", "true", '""', '"{}"', "[]", "[{}]"]) expect({ text, status: status(text) }).toEqual({ text, status: 400 });
    expect(parse('{"a":[1]}')).toEqual({ a: [1] });
  });

  test("accepts a leading UTF-8 byte-order mark, and only at the start", () => {
    expect(parse(Buffer.concat([Buffer.from([0xef, 0xbb, 0xbf]), Buffer.from('{"a":1}')]))).toEqual({ a: 1 });
    expect(status('{"a":1}\uFEFF')).toBe(400);
    expect(jsonText(Buffer.from("\uFEFF\uFEFFx"))).toBe("\uFEFFx");
  });
});
