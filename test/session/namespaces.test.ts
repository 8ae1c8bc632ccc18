import { InvalidSessionUpdateError } from "../../lib/session/errors";
import { mergeNamespace } from "../../lib/session/namespaces";

describe("mergeNamespace", () => {
  test("merges per key: other keys and other namespaces stay", () => {
    const before = { account: { limit: 500, amount: 10 }, user: { name: "Ana" } };
    const after = mergeNamespace(before, { namespace: "account", data: { amount: 4500, currency: "EUR" } });
    expect(after).toEqual({ account: { limit: 500, amount: 4500, currency: "EUR" }, user: { name: "Ana" } });
    expect(before.account.amount).toBe(10);
  });

  test.each(["__proto__", "constructor", "prototype"])("refuses the reserved key %s, as namespace or as data key", (name) => {
    const asData = JSON.parse(`{"namespace":"x","data":{"${name}":{"polluted":true}}}`);
    expect(() => mergeNamespace({}, asData)).toThrow(InvalidSessionUpdateError);
    expect(() => mergeNamespace({}, { namespace: name, data: { a: 1 } })).toThrow(/reserved/);
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
  });

  test("refuses dotted or empty names and a missing data object", () => {
    expect(() => mergeNamespace({}, { namespace: "a.b", data: {} })).toThrow(/namespace/);
    expect(() => mergeNamespace({}, { namespace: "", data: {} })).toThrow(InvalidSessionUpdateError);
    expect(() => mergeNamespace({}, { namespace: "ok", data: { "x.y": 1 } })).toThrow(InvalidSessionUpdateError);
    expect(() => mergeNamespace({}, { namespace: "ok" })).toThrow(/data/);
  });

  test("refuses namespaces that would outgrow their budget", () => {
    expect(() => mergeNamespace({}, { namespace: "big", data: { blob: "x".repeat(40_000) } })).toThrow(/exceed/);
  });
});
