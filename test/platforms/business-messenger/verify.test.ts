import { createHmac } from "node:crypto";
import { signBmBody, verifyBmSignature } from "../../../lib/platforms/business-messenger/verify";
import { BM_TEST_KEY, bmTextRequest } from "./fixtures";

const raw = Buffer.from(JSON.stringify(bmTextRequest("Grüezi 👋")), "utf8");

// Known answers computed independently of the code under test.
const expectedBase64 = createHmac("sha512", BM_TEST_KEY).update(raw).digest("base64");
const expectedHexBase64 = Buffer.from(createHmac("sha512", BM_TEST_KEY).update(raw).digest("hex")).toString("base64");

describe("signBmBody", () => {
  it("is base64(HMAC-SHA512) of the raw bytes: 88 characters", () => {
    expect(signBmBody(raw, BM_TEST_KEY, "base64")).toBe(expectedBase64);
    expect(expectedBase64).toHaveLength(88);
  });

  it("hex-base64 is base64 of the lowercase hex digest: 172 characters", () => {
    expect(signBmBody(raw, BM_TEST_KEY, "hex-base64")).toBe(expectedHexBase64);
    expect(expectedHexBase64).toHaveLength(172);
    expect(Buffer.from(expectedHexBase64, "base64").toString()).toMatch(/^[0-9a-f]{128}$/);
  });

  it("signs a string as its UTF-8 bytes and defaults to base64", () => {
    expect(signBmBody(raw.toString("utf8"), BM_TEST_KEY)).toBe(expectedBase64);
  });

  it("matches a fixed vector", () => {
    // HMAC-SHA512(key "key", "The quick brown fox jumps over the lazy dog"), a published test vector.
    const hex =
      "b42af09057bac1e2d41708e48a902e09b5ff7f12ab428a4fe86653c73dd248fb82f948a549f7b791a5b41915ee4d1ec3935357e4e2317250d0372afa2ebeeb3a";
    expect(signBmBody("The quick brown fox jumps over the lazy dog", "key")).toBe(Buffer.from(hex, "hex").toString("base64"));
  });
});

describe("verifyBmSignature", () => {
  it("accepts the right signature in both encodings", () => {
    expect(verifyBmSignature(raw, expectedBase64, BM_TEST_KEY, "base64")).toBe(true);
    expect(verifyBmSignature(raw, expectedHexBase64, BM_TEST_KEY, "hex-base64")).toBe(true);
  });

  it("rejects a signature in the other encoding", () => {
    expect(verifyBmSignature(raw, expectedHexBase64, BM_TEST_KEY, "base64")).toBe(false);
    expect(verifyBmSignature(raw, expectedBase64, BM_TEST_KEY, "hex-base64")).toBe(false);
  });

  it("rejects a wrong key", () => {
    expect(verifyBmSignature(raw, expectedBase64, `${BM_TEST_KEY}x`, "base64")).toBe(false);
  });

  it("rejects a tampered body", () => {
    const tampered = Buffer.from(raw);
    const at = tampered.length - 2;
    tampered[at] = (tampered[at] ?? 0) ^ 1;
    expect(verifyBmSignature(tampered, expectedBase64, BM_TEST_KEY, "base64")).toBe(false);
  });

  it("rejects a missing or empty header", () => {
    expect(verifyBmSignature(raw, undefined, BM_TEST_KEY, "base64")).toBe(false);
    expect(verifyBmSignature(raw, "", BM_TEST_KEY, "base64")).toBe(false);
  });

  it("rejects a header of a different length without throwing", () => {
    expect(() => verifyBmSignature(raw, expectedBase64.slice(0, 40), BM_TEST_KEY, "base64")).not.toThrow();
    expect(verifyBmSignature(raw, expectedBase64.slice(0, 40), BM_TEST_KEY, "base64")).toBe(false);
    expect(verifyBmSignature(raw, `${expectedBase64}A`, BM_TEST_KEY, "base64")).toBe(false);
    expect(verifyBmSignature(raw, "é".repeat(44), BM_TEST_KEY, "base64")).toBe(false);
  });

  it("never verifies with an empty key", () => {
    const signedWithEmpty = createHmac("sha512", "").update(raw).digest("base64");
    expect(verifyBmSignature(raw, signedWithEmpty, "", "base64")).toBe(false);
  });
});
