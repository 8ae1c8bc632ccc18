import { recordCommands } from "../support/command-log";
import { say, type Turn } from "../../lib/conversation";
import { defineBot } from "../../lib/engine/bot";
import { runTurn } from "../../lib/engine/run-turn";
import { startTestStore, type TestStore } from "../support/local-dynamo";

/** DESIGN.md's floor: two DynamoDB requests per new turn (read + conditional write), one per duplicate. */
let store: TestStore;
beforeAll(async () => {
  store = await startTestStore();
});
afterAll(() => store.close());

const echo = defineBot({ initial: "echo", defaultState: "echo", states: { echo: (ctx) => ({ messages: [say(`you said ${ctx.text}`)] }) } });
const turn = (messageId: string, text: string): Turn => ({
  platform: "test",
  conversationId: "counted",
  userId: "u1",
  messageId,
  message: { type: "text", text },
  receivedAt: Date.now(),
});

test("a new turn costs one read and one write; a duplicate costs one read", async () => {
  const rt = store.runtime({ bot: echo });
  const commands = recordCommands(rt.doc);

  const first = await runTurn(turn("a", "one"), rt.engine);
  expect(first).toMatchObject({ kind: "answered", messages: [say("you said one")] });
  expect(commands).toEqual(["GetItemCommand", "PutItemCommand"]);

  commands.length = 0;
  const second = await runTurn(turn("b", "two"), rt.engine);
  expect(second.kind).toBe("answered");
  expect(commands).toEqual(["GetItemCommand", "PutItemCommand"]);

  commands.length = 0;
  const duplicate = await runTurn(turn("a", "one"), rt.engine);
  expect(duplicate).toMatchObject({ kind: "duplicate", messages: [say("you said one")] });
  expect(commands).toEqual(["GetItemCommand"]);
});

test("the engine asks for numbered options of the very array it answers with (so platforms render once)", async () => {
  const rt = store.runtime({ bot: echo });
  let asked: unknown;
  const outcome = await runTurn({ ...turn("same-array", "x"), conversationId: "render-once" }, rt.engine, {
    numberedOptions: (messages) => ((asked = messages), []),
  });
  expect(asked).toBe(outcome.messages);
});
