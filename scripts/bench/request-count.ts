import type { Scenario } from "./scenarios";
import type { CommandLog, Stack } from "./setup";

/**
 * b) DynamoDB commands per turn, counted by a middleware on each variant's client (as in
 * test/engine/request-count.test.ts): the first message of a new conversation, a further new message, and
 * the same message delivered again (a duplicate). Extra rows show bot states that use the store themselves.
 */
export interface CountResult {
  label: string;
  fn: string;
  first: string[];
  newTurn: string[];
  duplicate: string[];
  minimalNew: string[];
  minimalDuplicate: string[];
  /** Informative rows (a bot state's own store use) are not judged against the 2/1 target. */
  informative?: boolean;
  note?: string;
}

async function counted(log: CommandLog, prepare: () => { run(): Promise<unknown>; check(r: unknown): void }): Promise<string[]> {
  const call = prepare();
  log.names.length = 0;
  call.check(await call.run());
  const names = [...log.names];
  log.names.length = 0;
  return names;
}

const FIRST_COUNT_CONVERSATION = 1_000_000;

export async function countRequests(stack: Stack, scenarios: Scenario[]): Promise<CountResult[]> {
  const results: CountResult[] = [];
  let conv = FIRST_COUNT_CONVERSATION;
  for (const scenario of scenarios) {
    const c = conv++;
    const first = scenario.next(c);
    const firstCounts: string[][] = [];
    for (const step of first) {
      firstCounts.push(await counted(stack.ours, step.ours));
      await counted(stack.minimal.log, step.minimal);
    }
    const second = scenario.next(c);
    const rows: Array<Omit<CountResult, "duplicate" | "minimalDuplicate">> = [];
    for (const [i, step] of second.entries()) {
      rows.push({
        label: step.row.label,
        fn: step.row.fn,
        first: firstCounts[i]!,
        newTurn: await counted(stack.ours, step.ours),
        minimalNew: await counted(stack.minimal.log, step.minimal),
        ...(step.row.note ? { note: step.row.note } : {}),
        ...(step.row.botStore ? { informative: true } : {}),
      });
    }
    // Duplicates after every step of the new message ran (a TwoWay redelivery comes after its job).
    for (const [i, step] of second.entries()) {
      results.push({ ...rows[i]!, duplicate: await counted(stack.ours, step.ours), minimalDuplicate: await counted(stack.minimal.log, step.minimal) });
    }
  }

  // Bot states that use the store themselves (bot/bank-bot.ts): Balance reads the account item, a confirmed transfer writes it.
  const bm = scenarios.find((s) => s.id === "bm");
  if (bm) {
    const extra = async (label: string, lead: string[], text: string) => {
      const c = conv++;
      for (const t of lead) for (const step of bm.next(c, t)) await counted(stack.ours, step.ours);
      const [step] = bm.next(c, text);
      const newTurn = await counted(stack.ours, step!.ours);
      const duplicate = await counted(stack.ours, step!.ours);
      results.push({ label, fn: step!.row.fn, first: [], newTurn, duplicate, minimalNew: [], minimalDuplicate: [], informative: true });
    };
    await extra('BM webhook, "Balance" (the state reads the account item)', ["hi"], "Balance");
    await extra('BM webhook, transfer confirmed "Yes" (the state reads and writes the account item)', ["hi", "Transfer", "25", "Bob"], "Yes");
  }
  return results;
}
