import { readdirSync, readFileSync, statSync } from "node:fs";
import { join, relative } from "node:path";
import { applyHandoverEvent } from "../../lib/engine/handover";
import { newSession } from "../../lib/session/session";

const now = 1_800_000_000_000;
const base = { ...newSession("twoway", "c1", now - 10_000), state: "menu", lastSuggestions: [{ text: "Balance", postback: "BALANCE" }] };

test("to-human starts a hold, or confirms the one on (its start and reason kept), with the desk's target and hold", () => {
  const opened = applyHandoverEvent(base, { kind: "to-human", reason: "router handover" }, now);
  expect(opened.handover).toEqual({ status: "human", since: now, reason: "router handover" });
  const desk = applyHandoverEvent(opened, { kind: "to-human", target: "liveperson", holdMs: 60_000 }, now + 5);
  expect(desk.handover).toEqual({ status: "human", since: now, reason: "router handover", until: now + 5 + 60_000, target: "liveperson" });
});

test("extend-hold moves a human hold's end and leaves the bot's conversations alone", () => {
  const held = applyHandoverEvent(base, { kind: "to-human", holdMs: 1_000 }, now);
  expect(applyHandoverEvent(held, { kind: "extend-hold", holdMs: 5_000 }, now + 100).handover).toMatchObject({ status: "human", until: now + 5_100 });
  expect(applyHandoverEvent(base, { kind: "extend-hold", holdMs: 5_000 }, now)).toBe(base);
});

test("to-bot hands back and keeps the dialog; session-ended hands back and clears the dialog state and offered replies", () => {
  const held = applyHandoverEvent(base, { kind: "to-human" }, now);
  expect(applyHandoverEvent(held, { kind: "to-bot" }, now)).toMatchObject({ handover: { status: "bot" }, state: "menu" });
  const ended = applyHandoverEvent(held, { kind: "session-ended" }, now);
  expect(ended.handover).toEqual({ status: "bot" });
  expect(ended.state).toBeUndefined();
  expect(ended.lastSuggestions).toBeUndefined();
});

// One owner of handover state: platforms and desks change it through applyHandoverEvent, never by hand.
test("no platform writes handover state itself", () => {
  const root = join(__dirname, "..", "..", "lib", "platforms");
  const files = (dir: string): string[] =>
    readdirSync(dir).flatMap((name) => {
      const path = join(dir, name);
      return statSync(path).isDirectory() ? files(path) : path.endsWith(".ts") ? [path] : [];
    });
  const writers = files(root).filter((file) => /handover:\s*\{\s*status:|status:\s*"(human|bot)"/.test(readFileSync(file, "utf8")));
  expect(writers.map((file) => relative(root, file))).toEqual([]);
});
