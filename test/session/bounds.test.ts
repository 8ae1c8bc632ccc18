import { applyBounds, DEFAULT_BOUNDS, itemBytes } from "../../lib/session/bounds";
import { newSession, type Session } from "../../lib/session/session";

const now = 1_800_000_000_000;
const bounds = { ...DEFAULT_BOUNDS, dedupeMs: 24 * 3_600_000 };
const text = (i: number, size = 10) => ({ role: "user" as const, text: `${i}`.padEnd(size, "x"), at: now });

describe("applyBounds", () => {
  test("keeps the newest history entries and processed records up to their counts", () => {
    const session: Session = {
      ...newSession("bm", "d", now),
      history: Array.from({ length: 100 }, (_, i) => text(i)),
      processed: Array.from({ length: 400 }, (_, i) => ({ id: `m${i}`, at: now, messages: [] })),
    };
    const bounded = applyBounds(session, now, bounds);
    expect(bounded.history).toHaveLength(DEFAULT_BOUNDS.maxHistory);
    expect(bounded.history.at(-1)!.text).toMatch(/^99/);
    expect(bounded.processed.map((p) => p.id)).toEqual(Array.from({ length: 100 }, (_, i) => `m${i + 300}`));
  });

  test("keeps the newest history lines whose text fits the history's byte budget, counted in UTF-8 bytes", () => {
    const line = (i: number, text: string) => ({ role: (i % 2 ? "bot" : "user") as "bot" | "user", text, at: now + i });
    const ai: Session = { ...newSession("bm", "d", now), history: Array.from({ length: 30 }, (_, i) => line(i, `${i}`.padEnd(i % 2 ? 600 : 60, "a"))) };
    const bounded = applyBounds(ai, now, bounds);
    const bytes = bounded.history.reduce((a, h) => a + Buffer.byteLength(h.text), 0);
    expect(bytes).toBeLessThanOrEqual(DEFAULT_BOUNDS.maxHistoryBytes);
    expect(bytes + 660).toBeGreaterThan(DEFAULT_BOUNDS.maxHistoryBytes); // one more exchange would not fit
    expect(bounded.history.at(-1)!.text).toMatch(/^29/);
    expect(bounded.history.filter((h) => h.role === "user").length).toBeGreaterThanOrEqual(6); // AI_HISTORY's default
    const wide: Session = { ...newSession("bm", "d", now), history: Array.from({ length: 10 }, (_, i) => line(i, "€".repeat(400))) };
    expect(applyBounds(wide, now, bounds).history).toHaveLength(Math.floor(DEFAULT_BOUNDS.maxHistoryBytes / 1200));
    const short: Session = { ...newSession("bm", "d", now), history: Array.from({ length: 10 }, (_, i) => line(i, "hi")) };
    expect(applyBounds(short, now, bounds).history).toEqual(short.history);
  });

  test("keeps the answers of the newest processed messages and of those younger than 10 s; older ones keep their id", () => {
    const answer = [{ type: "text" as const, text: "hello" }];
    const old = now - 60_000;
    const session: Session = {
      ...newSession("bm", "d", now),
      processed: Array.from({ length: 25 }, (_, i) => ({ id: `m${i}`, at: old, messages: answer, applied: { nextDialogstate: "s" } })),
    };
    const bounded = applyBounds(session, now, bounds);
    expect(bounded.processed).toHaveLength(25);
    expect(bounded.processed.filter((p) => p.messages).map((p) => p.id)).toEqual(Array.from({ length: 5 }, (_, i) => `m${i + 20}`));
    expect(bounded.processed[19]).toEqual({ id: "m19", at: old });
    expect(bounded.processed[20]).toEqual({ id: "m20", at: old, messages: answer, applied: { nextDialogstate: "s" } });

    // A burst: 25 answers of the last seconds all stay (a redelivery racing its original may come after 5 newer ones); one 10 s old goes.
    const burst: Session = { ...session, processed: session.processed.map((p, i) => ({ ...p, at: i === 0 ? now - DEFAULT_BOUNDS.answerKeepMs : now - 3_000 })) };
    const kept = applyBounds(burst, now, bounds).processed;
    expect(kept.filter((p) => p.messages).map((p) => p.id)).toEqual(Array.from({ length: 24 }, (_, i) => `m${i + 1}`));
  });

  test("forgets dedupe records older than the dedupe window", () => {
    const session: Session = {
      ...newSession("bm", "d", now),
      processed: [
        { id: "old", at: now - 25 * 3_600_000 },
        { id: "fresh", at: now - 3_600_000 },
      ],
    };
    expect(applyBounds(session, now, bounds).processed.map((p) => p.id)).toEqual(["fresh"]);
  });

  test("stays under the byte budget: drops old history, then old recorded answers, never the ids", () => {
    const big = { type: "text" as const, text: "y".repeat(25_000) };
    const session: Session = {
      ...newSession("bm", "d", now),
      history: Array.from({ length: 40 }, (_, i) => text(i, 3_000)),
      processed: Array.from({ length: 30 }, (_, i) => ({ id: `m${i}`, at: now, messages: [big] })),
    };
    expect(itemBytes(session)).toBeGreaterThan(200_000);
    const bounded = applyBounds(session, now, bounds);
    expect(itemBytes(bounded)).toBeLessThanOrEqual(DEFAULT_BOUNDS.maxItemBytes);
    expect(bounded.history).toHaveLength(0);
    expect(bounded.processed).toHaveLength(30);
    expect(bounded.processed.at(-1)!.messages).toEqual([big]);
    expect(bounded.processed[0]!.messages).toBeUndefined();
  });
});
