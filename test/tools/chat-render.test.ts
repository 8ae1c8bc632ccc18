import { bmBlocks } from "../../scripts/chat/bm";
import { engageBlocks, parseEngageLine } from "../../scripts/chat/engage";
import { kommunicateBlocks } from "../../scripts/chat/kommunicate";
import { renderBlocks } from "../../scripts/chat/render";
import { sessionKeys } from "../../scripts/sessions";

/** The chat simulator's pure parts: platform answers → blocks → lines, Engage's line syntax, session references. */

test("BM: a suggestions body joins the text before it; replyWith picks send {content, postback}; other actions are link lines", () => {
  const blocks = bmBlocks([
    { content: "Hi!" },
    {
      suggestions: [
        { text: "Balance", postback: "BALANCE", replyWith: { postback: "BALANCE" } },
        { text: "Web", postback: "Web", openUrl: { url: "https://example.com" } },
      ],
    },
    { name: "a.png", url: "https://cdn.example.com/a.png", mimeType: "image/png" },
  ]);
  const { lines, choices } = renderBlocks(blocks);
  expect(lines).toEqual(["bot> Hi!", "     [1] Balance", "     ↗ Web: https://example.com", "bot> [picture] https://cdn.example.com/a.png"]);
  expect(choices[0]!.value).toEqual({ text: "Balance", postback: "BALANCE" });
});

test("Kommunicate: quick replies carry the option's message; KM_ASSIGN_TO and [] become status lines", () => {
  const handover = kommunicateBlocks([
    { message: "Pick", metadata: { contentType: "300", templateId: "6", payload: [{ title: "Yes", message: "CONFIRM" }] } },
    { message: "A colleague will answer.", metadata: { KM_ASSIGN_TO: "" } },
  ]);
  const { lines, choices } = renderBlocks(handover);
  expect(lines).toEqual(["bot> Pick", "     [1] Yes", "bot> A colleague will answer.", "— handed over to a human agent —"]);
  expect(choices[0]!.value).toEqual({ message: "CONFIRM" });
  expect(renderBlocks(kommunicateBlocks([])).lines).toEqual(["— (no reply: a human has the conversation) —"]);
});

test("Engage: `action key=value` lines keep JSON types and quoted values; suggestions show their dialog state", () => {
  expect(parseEngageLine('transfer amount=500 destination="Elon Musk" ok=true')).toEqual({
    method: "POST",
    action: "transfer",
    params: { amount: 500, destination: "Elon Musk", ok: true },
  });
  expect(parseEngageLine("get balance accountType=savings")).toMatchObject({ method: "GET", action: "balance" });
  expect(() => parseEngageLine("amount=5")).toThrow(/action/);

  const { lines } = renderBlocks(
    engageBlocks({
      messages: [{ type: "quickReplies", config: { textMessages: [{ text: "Which?" }], quickReplies: [{ type: "postback", title: "Savings", payload: { nextDialogstateId: "st_42", params: [{ key: "card_type", value: "savings" }] } }] } }],
      action: { nextDialogstate: "st_1" },
    }),
  );
  expect(lines).toEqual(["bot> Which?", "     [1] Savings (→ st_42 card_type=savings)", "bot> next dialog state: st_1"]);
});

test("sessions: conv#p#id and p#id name one item; a bare id is looked up on every platform", () => {
  expect(sessionKeys("conv#bm#x")).toEqual(["conv#bm#x"]);
  expect(sessionKeys("twoway#a#b")).toEqual(["conv#twoway#a#b"]);
  // Every registered platform with conversations of its own, in registry order.
  expect(sessionKeys("x")).toEqual(["conv#bm#x", "conv#engage#x", "conv#kommunicate#x", "conv#twoway#x", "conv#botpress#x"]);
});
