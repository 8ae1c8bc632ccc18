import { AI_ANSWER_CHARS, aiAnswerDeflateRatio, TURN_GAP_MS, CAPACITY_SCRIPT, CAPACITY_TURNS, LONG_TURNS, meanUnits, sessionItemUnits, SIZE_AT, type CapacityResult } from "./capacity-run";
import { CAPACITY_TARGETS } from "./figures";
import { kb } from "./stats";

/** e) as markdown: the table and one target line per conversation and unit. */
const f2 = (x: number) => (Number.isFinite(x) ? x.toFixed(2) : "n/a");

export function capacitySection(result: CapacityResult): string[] {
  const rows = result.conversations.map((c) => {
    const mean = meanUnits(c.turns, "reported");
    const computed = meanUnits(c.turns, "computed");
    const long = meanUnits(c.turns, "reported", LONG_TURNS - CAPACITY_TURNS, LONG_TURNS);
    const [sessions, events] = (["sessions", "events"] as const).map((t) => meanUnits(c.turns, "reported", 0, CAPACITY_TURNS, t));
    const item = sessionItemUnits(c.turns);
    const own = meanUnits(c.turns, "without bot items");
    return `| ${c.name === "ai" ? `every answer by the AI (${AI_ANSWER_CHARS} characters)` : "scripted (bank bot states, no AI)"} | ${f2(mean.write)} | ${f2(mean.read)} | ${f2(own.write)} / ${f2(own.read)} | ${f2(computed.write)} / ${f2(computed.read)} | ${f2(sessions!.write)} / ${f2(sessions!.read)} : ${f2(events!.write)} / ${f2(events!.read)} | ${f2(item.write)} / ${f2(item.read)} | ${f2(long.write)} | ${f2(long.read)} | ${SIZE_AT.map((at) => kb(c.turns[at - 1]?.itemBytes ?? NaN)).join(" | ")} |`;
  });
  return [
    `One BM conversation per row, through the bmWebhook handler with the example bank bot (app/runtime.ts) on ${result.store}, ${LONG_TURNS} turns, ${TURN_GAP_MS / 1000} s apart on the bot's clock (a person's pace: answers younger than 10 s are kept whatever their count, so back-to-back turns would measure a burst). ` +
      `Units from the ConsumedCapacity the store returned: a middleware on the runtime's own client adds ReturnConsumedCapacity TOTAL to every request, both tables, session, events and the bank's account items. ` +
      `The sessions table holds the session item, recorded answers that left it and the bank's account items; the events table the conversation's events. "computed" are the same units from the items' sizes as DynamoDB counts them (scripts/bench/capacity.ts: 1 write unit per started KB of the larger of the old and new item, 1 read unit per started 4 KB of a consistent read), a cross-check. ` +
      `Scripted messages, in a loop: ${CAPACITY_SCRIPT.map((m) => `"${m}"`).join(", ")}. The AI conversation says "hi", then asks free questions, each answered by the OpenAI stand-in (test/support/openai-standin.ts) with the next ${AI_ANSWER_CHARS} characters of README.md: real prose that never repeats (the item is deflated, so a repeated answer would flatter it; deflated on its own, an answer shrinks ${aiAnswerDeflateRatio().toFixed(2)}×). "Without the bot's items" leaves out the example bank's reads and writes of its account items (the bot's own store use, not the framework's). Item sizes are the session item after that turn (KB = 1000 bytes); "of which the session item" computes its read and put from those sizes.`,
    "",
    `| conversation | WCU/turn, turns 1–${CAPACITY_TURNS} | RCU/turn, turns 1–${CAPACITY_TURNS} | without the bot's items, WCU / RCU | computed WCU / RCU | WCU / RCU by table, sessions : events | of which the session item, WCU / RCU | WCU/turn, turns ${LONG_TURNS - CAPACITY_TURNS + 1}–${LONG_TURNS} | RCU/turn, turns ${LONG_TURNS - CAPACITY_TURNS + 1}–${LONG_TURNS} | ${SIZE_AT.map((at) => `item KB at turn ${at}`).join(" | ")} |`,
    `|---|${"---:|".repeat(8 + SIZE_AT.length)}`,
    ...rows,
  ];
}

export function capacityTargetLines(result: CapacityResult): string[] {
  const lines: string[] = [];
  for (const c of result.conversations) {
    const t = CAPACITY_TARGETS[c.name];
    if (!t) continue;
    const mean = meanUnits(c.turns, "reported");
    const own = meanUnits(c.turns, "without bot items");
    const line = (value: number, target: number, unit: string) =>
      lines.push(`- ${value <= target ? "met" : "**not met**"}: ${c.name} conversation, ${unit} per turn over ${CAPACITY_TURNS} turns ≤ ${target}: ${f2(value)}`);
    line(mean.write, t.write, "write units");
    if (t.write < mean.write) line(own.write, t.write, "write units without the bot's own items");
    if (t.read === null) continue;
    line(mean.read, t.read, "read units");
    // A turn's consistent read of its session is 1 unit at least; the bank's balance and transfer reads come on top.
    if (t.read < mean.read) line(own.read, t.read, "read units without the bot's own items");
  }
  return lines;
}
