import { verifyKommunicateHeader } from "../../../lib/platforms/kommunicate/verify";
import { KM_HEADER_NAME, KM_TEST_SECRET, kmHeaders } from "./fixtures";

describe("verifyKommunicateHeader", () => {
  it("accepts the right value in the configured header", () => {
    expect(verifyKommunicateHeader({ headers: kmHeaders() }, KM_HEADER_NAME, KM_TEST_SECRET)).toBe(true);
  });

  it("rejects a wrong value of the same length", () => {
    const wrong = `${KM_TEST_SECRET.slice(0, -1)}${KM_TEST_SECRET.endsWith("0") ? "1" : "0"}`;
    expect(wrong).toHaveLength(KM_TEST_SECRET.length);
    expect(verifyKommunicateHeader({ headers: kmHeaders(wrong) }, KM_HEADER_NAME, KM_TEST_SECRET)).toBe(false);
  });

  it("rejects values of a different length: a prefix, an extension, padding", () => {
    for (const value of [KM_TEST_SECRET.slice(0, 8), `${KM_TEST_SECRET}x`, ` ${KM_TEST_SECRET}`, ""]) {
      expect(verifyKommunicateHeader({ headers: kmHeaders(value) }, KM_HEADER_NAME, KM_TEST_SECRET)).toBe(false);
    }
  });

  it("rejects a missing header, missing headers and the secret in another header", () => {
    expect(verifyKommunicateHeader({ headers: { "content-type": "application/json" } }, KM_HEADER_NAME, KM_TEST_SECRET)).toBe(false);
    expect(verifyKommunicateHeader({}, KM_HEADER_NAME, KM_TEST_SECRET)).toBe(false);
    expect(verifyKommunicateHeader({ headers: { [KM_HEADER_NAME]: undefined } }, KM_HEADER_NAME, KM_TEST_SECRET)).toBe(false);
    expect(verifyKommunicateHeader({ headers: kmHeaders(KM_TEST_SECRET, "x-other") }, KM_HEADER_NAME, KM_TEST_SECRET)).toBe(false);
  });

  it("finds the header whatever the case of its name, on either side", () => {
    expect(verifyKommunicateHeader({ headers: kmHeaders(KM_TEST_SECRET, "X-Webhook-Secret") }, "x-webhook-secret", KM_TEST_SECRET)).toBe(true);
    expect(verifyKommunicateHeader({ headers: kmHeaders(KM_TEST_SECRET, "x-webhook-secret") }, "X-WEBHOOK-SECRET", KM_TEST_SECRET)).toBe(true);
    expect(verifyKommunicateHeader({ headers: { "X-Api-Token": KM_TEST_SECRET } }, "x-api-token", KM_TEST_SECRET)).toBe(true);
  });

  it("compares the value case-sensitively", () => {
    expect(verifyKommunicateHeader({ headers: kmHeaders(KM_TEST_SECRET.toUpperCase()) }, KM_HEADER_NAME, KM_TEST_SECRET)).toBe(false);
  });

  it("never verifies with an empty secret, even against an empty header", () => {
    expect(verifyKommunicateHeader({ headers: kmHeaders("") }, KM_HEADER_NAME, "")).toBe(false);
    expect(verifyKommunicateHeader({ headers: {} }, KM_HEADER_NAME, "")).toBe(false);
  });

  it("never verifies with an empty header name", () => {
    expect(verifyKommunicateHeader({ headers: { "": KM_TEST_SECRET } }, "", KM_TEST_SECRET)).toBe(false);
  });
});
