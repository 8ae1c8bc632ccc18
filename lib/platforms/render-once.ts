import type { OutboundMessage } from "../conversation";

/**
 * A renderer that renders a given messages array once: the engine asks for the numbered options of the
 * very array it then answers with, so the platform does not render every reply twice.
 */
export function renderOnce<R>(render: (messages: OutboundMessage[]) => R): (messages: OutboundMessage[]) => R {
  let last: { messages: OutboundMessage[]; result: R } | undefined;
  return (messages) => {
    if (last?.messages !== messages) last = { messages, result: render(messages) };
    return last.result;
  };
}
