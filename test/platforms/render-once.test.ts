import { say } from "../../lib/conversation";
import { renderOnce } from "../../lib/platforms/render-once";

test("renders the same messages array once, and a different array again", () => {
  const calls: number[] = [];
  const render = renderOnce((messages) => (calls.push(messages.length), { count: messages.length }));
  const reply = [say("a"), say("b")];
  const first = render(reply);
  expect(render(reply)).toBe(first);
  expect(calls).toEqual([2]);
  render([say("c")]);
  expect(calls).toEqual([2, 1]);
});
