import type { OutboundMessage, Suggestion } from "../../conversation";
import { isHttpsUrl, RICH_CONTENT_TYPE, type KommunicateMessage } from "./render-templates";

type ListMessage = Extract<OutboundMessage, { type: "list" }>;
type ListAction = { type: "link"; url: string } | { type: "quick_reply"; text: string };

/** [assumed] Buttons under a list (template 7). */
export const MAX_LIST_BUTTONS = 3;

/**
 * A list as Kommunicate's list template (templateId "7", docs/platforms/kommunicate.md §4):
 * `{headerText, elements:[{imgSrc, title, description, action}], buttons:[{name, action}]}`.
 * Reply actions are quick replies (their postback is sent as the user's text), url actions links;
 * anything else, and every URL that is not https, is left out and reported in `degradations`.
 */
export function renderList(list: ListMessage, degradations: string[]): KommunicateMessage {
  const action = (s: Suggestion | undefined, where: string): ListAction | undefined => {
    if (!s) return undefined;
    if (s.kind === "reply") return { type: "quick_reply", text: s.postback };
    if (s.kind === "url" && isHttpsUrl(s.url)) return { type: "link", url: s.url };
    degradations.push(`${where}: ${s.kind === "url" ? `non-https link ${s.url}` : `${s.kind} action`} left out of the list`);
    return undefined;
  };
  const elements = list.items.map((item) => {
    const image = item.imageUrl && isHttpsUrl(item.imageUrl) ? item.imageUrl : undefined;
    if (item.imageUrl && !image) degradations.push(`list item "${item.title}": non-https image ${item.imageUrl} left out`);
    const act = action(item.action, `list item "${item.title}"`);
    return { title: item.title, ...(item.description ? { description: item.description } : {}), ...(image ? { imgSrc: image } : {}), ...(act ? { action: act } : {}) };
  });
  const buttons = (list.suggestions ?? []).flatMap((s) => {
    const act = action(s, `list button "${s.text}"`);
    return act ? [{ name: s.text, action: act }] : [];
  });
  if (buttons.length > MAX_LIST_BUTTONS) degradations.push(`list buttons cut from ${buttons.length} to ${MAX_LIST_BUTTONS}`);
  const payload = {
    ...(list.header ? { headerText: list.header } : {}),
    elements,
    ...(buttons.length ? { buttons: buttons.slice(0, MAX_LIST_BUTTONS) } : {}),
  };
  return { message: list.header ?? list.items[0]!.title, metadata: { contentType: RICH_CONTENT_TYPE, templateId: "7", payload } };
}
