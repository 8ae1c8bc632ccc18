// The studio's page: plain DOM, no framework, no asset from elsewhere. It only talks to /studio/api on this origin.
"use strict";

const state = { info: null, current: null, lastSeq: 0, raw: false, timers: {} };
const PLATFORM_NAMES = { bm: "Business Messenger", kommunicate: "Kommunicate", twoway: "CM.com TwoWay", engage: "Sinch Engage", botpress: "Botpress v12" };
const UPLOADS = {
  picture: { type: "picture", url: "https://files.example.com/receipt.jpg", name: "receipt.jpg", mimeType: "image/jpeg" },
  file: { type: "file", url: "https://files.example.com/statement.pdf", name: "statement.pdf", mimeType: "application/pdf" },
  location: { type: "location", latitude: 47.3769, longitude: 8.5417, label: "Zurich HB" },
};

const $ = (selector) => document.querySelector(selector);

/** An element with attributes (`text` sets its text, `on*` a listener) and children. */
function el(tag, attrs = {}, ...children) {
  const node = document.createElement(tag);
  for (const [name, value] of Object.entries(attrs)) {
    if (value === undefined || value === null || value === false) continue;
    if (name === "text") node.textContent = value;
    else if (name.startsWith("on")) node.addEventListener(name.slice(2), value);
    else node.setAttribute(name, value === true ? "" : value);
  }
  for (const child of children.flat()) if (child !== null && child !== undefined) node.append(child);
  return node;
}

async function api(method, path, body) {
  const res = await fetch(`/studio/api/${path}`, {
    method,
    headers: body === undefined ? {} : { "content-type": "application/json" },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json = await res.json().catch(() => ({ error: `HTTP ${res.status}` }));
  if (!res.ok) throw new Error(json.issues ? `${json.error}: ${json.issues.map((i) => `${i.path} ${i.message}`).join("; ")}` : json.error);
  return json;
}

function showError(err) {
  const box = $("#error");
  box.textContent = err ? String(err.message || err) : "";
  box.hidden = !err;
}

/** Runs an action, showing its failure in the alert line; buttons are disabled while it runs. */
async function act(button, run) {
  if (button) button.disabled = true;
  try {
    showError(null);
    return await run();
  } catch (err) {
    showError(err);
  } finally {
    if (button) button.disabled = false;
  }
}

// ---- tabs ----

function showTab(name) {
  for (const tab of document.querySelectorAll("[role=tab]")) tab.setAttribute("aria-selected", String(tab.dataset.tab === name));
  for (const section of document.querySelectorAll(".tab")) section.hidden = section.id !== `tab-${name}`;
  if (name === "sessions") act(null, loadSessions);
  if (name === "dead") act(null, loadDeadLetters);
  clearInterval(state.timers.desk);
  if (name === "desk") {
    act(null, loadDesk);
    state.timers.desk = setInterval(() => loadDesk().catch(showError), 1000);
  }
}

// ---- blocks: a reply as the platform shows it ----

function choiceChips(choices, onPick) {
  if (!choices || !choices.length) return null;
  return el("div", { class: "chips" }, choices.map((choice) =>
    el("button", { type: "button", class: "chip", "data-testid": "choice", disabled: !onPick, onclick: onPick ? () => onPick(choice) : undefined, text: choice.detail ? `${choice.label} (${choice.detail})` : choice.label })));
}

function links(list) {
  if (!list || !list.length) return null;
  return el("ul", { class: "links" }, list.map((l) => el("li", { text: `↗ ${l}` })));
}

/** Media are drawn as placeholders: the page never loads an image from another host. */
function media(label, url, caption) {
  return el("div", { class: `media media-${label}`, "data-testid": "media" }, el("span", { class: "media-label", text: label }), caption ? el("span", { text: caption }) : null, el("code", { text: url }));
}

function smsBadge(sms) {
  if (!sms) return null;
  return el("div", { class: "sms", "data-testid": "sms-segments", text: `${sms.segments} SMS segment${sms.segments === 1 ? "" : "s"} · ${sms.encoding} · ${sms.units} ${sms.encoding === "GSM-7" ? "septets" : "UTF-16 units"}` });
}

function block(b, onPick) {
  switch (b.kind) {
    case "text":
      return el("div", { class: "bubble bot", "data-testid": "bot-bubble" }, b.text ? el("p", { text: b.text }) : null, choiceChips(b.choices, onPick), links(b.links), smsBadge(b.sms));
    case "cards":
      return el("div", { class: b.cards.length > 1 ? "carousel" : "single", "data-testid": b.cards.length > 1 ? "carousel" : "card-single" }, b.cards.map((card) =>
        el("div", { class: "card", "data-testid": "card" },
          card.image ? media("picture", card.image) : null,
          el("strong", { text: card.title }),
          card.description ? el("p", { text: card.description }) : null,
          choiceChips(card.choices, onPick),
          links(card.links))));
    case "media":
      return el("div", { class: "bubble bot" }, media(b.label, b.url, b.caption));
    case "info":
      return el("div", { class: "info", text: b.text });
    case "status":
      return el("div", { class: "status", "data-testid": "status", text: b.text });
    default:
      return el("div", { class: "info", text: JSON.stringify(b) });
  }
}

function degradations(list, where) {
  if (!list || !list.length) return null;
  return el("details", { class: "degraded", "data-testid": "degradations", open: true }, el("summary", { text: `degraded${where ? ` on ${where}` : ""}: ${list.length}` }), el("ul", {}, list.map((d) => el("li", { text: d }))));
}

function rawView(exchanges) {
  if (!exchanges || !exchanges.length) return null;
  return el("details", { class: "raw", "data-testid": "raw", open: true }, el("summary", { text: `raw HTTP (${exchanges.length})` }),
    exchanges.map((x) => el("pre", { text: `${x.direction === "outbound" ? "bot → platform" : "platform → bot"}\n${JSON.stringify({ request: x.request, response: x.response }, null, 2)}` })));
}

// ---- chat ----

async function loadInfo() {
  state.info = await api("GET", "info");
  $("#store").textContent = `store: ${state.info.store}${state.info.writable ? "" : " (read-only)"}`;
  if (!state.info.chat) {
    // A deployed stage's tables without a stack (npm run admin -- studio): sessions and dead letters only.
    for (const name of ["chat", "desk"]) document.querySelector(`[role=tab][data-tab=${name}]`).hidden = true;
    showTab("sessions");
    return;
  }
  const platform = $("[name=platform]");
  for (const p of state.info.platforms) platform.append(el("option", { value: p.platform, text: PLATFORM_NAMES[p.platform] || p.platform }));
  const bm = state.info.platforms.find((p) => p.platform === "bm");
  const channel = $("[name=channel]");
  for (const c of bm ? bm.channels : []) channel.append(el("option", { value: c, text: c, selected: c === "RCS" }));
  platform.addEventListener("change", syncPlatform);
  syncPlatform();
}

function syncPlatform() {
  $("[data-for=bm]").hidden = $("[name=platform]").value !== "bm";
}

async function startConversation(event) {
  event.preventDefault();
  const form = event.target;
  const body = { platform: form.platform.value, name: form.name.value, locale: form.locale.value };
  if (body.platform === "bm") body.channel = form.channel.value;
  const view = await api("POST", "conversations", body);
  await listConversations();
  openConversation(view);
}

async function listConversations() {
  const list = await api("GET", "conversations");
  $("#conversations").replaceChildren(...list.map((c) =>
    el("li", {}, el("button", { type: "button", class: state.current && state.current.id === c.id ? "active" : "", "data-testid": "conversation", onclick: () => act(null, async () => openConversation(await api("GET", `conversations/${encodeURIComponent(c.id)}`))), text: `${c.title} · ${c.id.split("#")[1]}` }))));
}

function openConversation(view) {
  state.current = view;
  state.lastSeq = 0;
  $("#everywhere").hidden = true;
  $("#conversation").hidden = false;
  $("#conversation-title").textContent = `${view.title} · ${view.user.name} (${view.user.locale}) · ${view.id}`;
  $("#conversation-help").textContent = view.help || "";
  $("#conversation").className = `conversation skin-${view.platform}${view.channel ? ` skin-bm-${view.channel.toLowerCase()}` : ""}`;
  $("#entries").replaceChildren();
  for (const button of document.querySelectorAll("[data-upload]")) button.hidden = !view.uploads.includes(button.dataset.upload);
  $("#engage-form").hidden = view.platform !== "engage";
  setHandover(view.handover);
  appendEntries(view.entries);
  for (const b of document.querySelectorAll("#conversations button")) b.classList.toggle("active", b.textContent.endsWith(view.id.split("#")[1]));
  clearInterval(state.timers.poll);
  state.timers.poll = setInterval(() => poll().catch(showError), 1000);
}

function setHandover(handover) {
  const badge = $("#handover");
  badge.textContent = handover === "human" ? "with a human agent" : "with the bot";
  badge.className = `badge ${handover}`;
  badge.dataset.state = handover;
  $("#chat-handback").hidden = handover !== "human";
}

/** Out-of-band entries (an agent's message, a late reply) and handover changes made elsewhere. */
async function poll() {
  if (!state.current) return;
  const id = state.current.id;
  const view = await api("GET", `conversations/${encodeURIComponent(id)}?since=${state.lastSeq}`);
  if (!state.current || state.current.id !== id) return;
  setHandover(view.handover);
  appendEntries(view.entries);
}

function appendEntries(entries) {
  const list = $("#entries");
  for (const entry of entries) {
    if (entry.seq <= state.lastSeq) continue;
    state.lastSeq = entry.seq;
    list.append(entryView(entry));
    if (entry.who === "bot") setHandover(entry.handover);
  }
  list.lastElementChild?.scrollIntoView({ block: "end" });
}

function entryView(entry) {
  if (entry.who === "user") return el("li", { class: "user-entry", "data-testid": "user-entry" }, el("div", { class: "bubble user", text: entry.text }));
  const pick = (choice) => act(null, () => send({ kind: "choice", choice, index: choiceIndex(entry, choice) }));
  const rendered = entry.blocks.map((b) => block(b, pick));
  const tools = entry.who === "bot" && entry.neutral
    ? el("button", { type: "button", class: "small", "data-testid": "render-everywhere", onclick: () => act(null, () => everywhere(entry.seq)), text: "render on every platform" })
    : null;
  return el("li", { class: `${entry.who}-entry`, "data-testid": `${entry.who}-entry` },
    entry.who === "relay" ? el("div", { class: "muted", text: "arrived out of band (an agent, a late reply)" }) : null,
    rendered.length ? rendered : el("div", { class: "status", text: "(no reply)" }),
    degradations(entry.degradations),
    tools,
    el("div", { class: "raw-slot" }, rawView(entry.exchanges)));
}

/** The choice's number across the whole reply, as a text-only channel would number it. */
function choiceIndex(entry, choice) {
  const all = entry.blocks.flatMap((b) => (b.kind === "text" ? b.choices || [] : b.kind === "cards" ? b.cards.flatMap((c) => c.choices || []) : []));
  return all.indexOf(choice) + 1;
}

async function send(input) {
  const id = state.current.id;
  const { entries } = await api("POST", `conversations/${encodeURIComponent(id)}/messages`, { input });
  if (state.current && state.current.id === id) appendEntries(entries);
}

async function everywhere(seq) {
  const { renderings } = await api("GET", `conversations/${encodeURIComponent(state.current.id)}/everywhere/${seq}`);
  $("#everywhere-grid").replaceChildren(...renderings.map((r) =>
    el("div", { class: `rendering skin-${r.platform}${r.channel ? ` skin-bm-${r.channel.toLowerCase()}` : ""}`, "data-testid": "rendering", "data-key": r.key },
      el("h3", { text: r.title }),
      r.blocks.length ? r.blocks.map((b) => block(b, null)) : el("div", { class: "status", text: "(nothing to show)" }),
      degradations(r.degradations))));
  $("#everywhere").hidden = false;
  $("#everywhere").scrollIntoView();
}

function engageLine(form) {
  const quote = (v) => (/[\s"]/.test(v) ? `"${v.replace(/"/g, "")}"` : v);
  if (form.action.value === "balance") return `GET balance accountType=${quote(form.balanceAccountType.value)}`;
  const keys = ["amount", "destination", "accountType", "transactionSuccess", "transactionNoMoney"];
  return `transfer ${keys.map((k) => `${k}=${quote(form[k].value)}`).join(" ")}`;
}

// ---- sessions ----

const time = (ms) => (typeof ms === "number" ? new Date(ms).toISOString().replace("T", " ").replace(/\.\d+Z$/, "Z") : "-");

async function loadSessions() {
  const rows = await api("GET", "sessions");
  $("#sessions").replaceChildren(...(rows.length ? rows.map((r) =>
    el("li", {}, el("button", { type: "button", "data-testid": "session-row", "data-pk": r.pk, onclick: () => act(null, () => showSession(r.pk)) },
      el("strong", { text: `${r.platform}#${r.conversationId}` }), el("span", { class: `badge ${r.handover}`, text: r.handover }), el("span", { class: "muted", text: ` v${r.version} · ${r.turns} turns · ${time(r.updatedAt)}` }))))
    : [el("li", { class: "muted", text: "no conversations yet" })]));
}

function field(name, value) {
  return el("tr", {}, el("th", { text: name }), el("td", {}, value));
}

async function showSession(pk) {
  const { session: s, events, store } = await api("GET", `sessions/${encodeURIComponent(pk)}`);
  const box = $("#session");
  const handover = s.handover.status === "human"
    ? `human since ${time(s.handover.since)}${s.handover.until ? ` until ${time(s.handover.until)}` : ""}${s.handover.target ? ` · ${s.handover.target}` : ""}${s.handover.reason ? ` · "${s.handover.reason}"` : ""}`
    : "bot";
  box.replaceChildren(
    el("div", { class: "bar" },
      el("h2", { text: `${s.platform}#${s.conversationId}` }),
      el("button", { type: "button", "data-testid": "handback", disabled: s.handover.status !== "human", onclick: (e) => act(e.target, async () => { await api("POST", `sessions/${encodeURIComponent(pk)}/handback`, {}); await showSession(pk); await loadSessions(); }), text: "Hand back to the bot" }),
      el("button", { type: "button", "data-testid": "reset", onclick: (e) => act(e.target, async () => { await api("POST", `sessions/${encodeURIComponent(pk)}/reset`, {}); $("#session").hidden = true; await loadSessions(); }), text: "Reset conversation" })),
    el("p", { class: "muted", text: `item ${s.pk} in ${store}` }),
    el("table", { class: "fields" },
      field("version", String(s.version)),
      field("created", time(s.createdAt)),
      field("updated", time(s.updatedAt)),
      field("expires", s.expiresAt ? time(s.expiresAt * 1000) : "-"),
      field("user", s.userId || "-"),
      field("channel", s.channel || "-"),
      field("dialog state", el("span", { "data-testid": "session-state", text: s.state || "(none: the bot's default state)" })),
      field("handover", el("span", { "data-testid": "session-handover", text: handover })),
      s.human ? field("human side", `${s.human.provider} ${s.human.conversationId ? `conversation ${s.human.conversationId}` : "(no open conversation)"}`) : null,
      s.lastSuggestions && s.lastSuggestions.length ? field("suggestions", s.lastSuggestions.map((o, i) => `[${i + 1}] ${o.text} → ${o.postback}`).join("  ")) : null),
    el("h3", { text: "Namespaces" }),
    Object.keys(s.namespaces || {}).length ? el("pre", { "data-testid": "namespaces", text: JSON.stringify(s.namespaces, null, 2) }) : el("p", { class: "muted", text: "(none)" }),
    el("h3", { text: `History (${(s.history || []).length})` }),
    el("ol", { class: "history", "data-testid": "history" }, (s.history || []).map((h) => el("li", { class: h.role }, el("span", { class: "muted", text: `${time(h.at)} ${h.role}: ` }), el("span", { text: h.text })))),
    el("h3", { text: `Processed message ids (${(s.processed || []).length})` }),
    el("ul", { class: "processed", "data-testid": "processed" }, (s.processed || []).map((p) => el("li", {}, el("code", { text: p.id }), el("span", { class: "muted", text: ` ${time(p.at)}${p.messages ? ` · ${p.messages.length} message${p.messages.length === 1 ? "" : "s"}` : ""}${p.durable ? " · durable" : ""}` })))),
    el("h3", { text: `Events (${events.length})` }),
    el("ol", { class: "timeline", "data-testid": "events" }, events.map((e) => el("li", {}, el("span", { class: "muted", text: time(e.at) }), el("strong", { text: ` ${e.type}` }), e.data ? el("pre", { text: JSON.stringify(e.data, null, 2) }) : null))));
  box.hidden = false;
}

// ---- agent desk ----

async function loadDesk() {
  if (!state.info.desk) {
    $("#desk").replaceChildren(el("li", { class: "muted", text: "This stack uses a real LivePerson (LP_ACCOUNT_ID is set): no local agent desk." }));
    return;
  }
  const conversations = await api("GET", "desk");
  // Redrawn only when something changed, so the agent's typing and focus are left alone.
  const json = JSON.stringify(conversations);
  if (json === state.deskJson) return;
  state.deskJson = json;
  $("#desk").replaceChildren(...(conversations.length ? conversations.map(deskConversation) : [el("li", { class: "muted", text: "no handed-over conversation yet" })]));
}

const drafts = {};

function deskConversation(c) {
  const input = el("input", { placeholder: "Write as the agent", value: drafts[c.id] || "", "data-testid": "agent-text", oninput: (e) => (drafts[c.id] = e.target.value) });
  const run = (path, body) => (e) => act(e.target, async () => { await api("POST", `desk/${encodeURIComponent(c.id)}/${path}`, body ? body() : {}); await loadDesk(); });
  return el("li", { class: `desk-conversation ${c.state.toLowerCase()}`, "data-testid": "desk-conversation", "data-state": c.state },
    el("div", { class: "bar" }, el("strong", { text: `${c.consumer}` }), el("span", { class: "badge", text: c.state === "OPEN" ? (c.accepted ? "accepted" : "waiting for an agent") : "closed" })),
    el("ol", { class: "desk-messages" }, c.messages.map((m) => el("li", { class: m.from, "data-testid": `desk-${m.from}` }, el("span", { class: "muted", text: `${m.from}: ` }), el("span", { text: m.text })))),
    c.state === "OPEN" ? el("div", { class: "composer" },
      el("button", { type: "button", "data-testid": "agent-accept", disabled: c.accepted, onclick: run("accept"), text: "Accept" }),
      input,
      el("button", { type: "button", "data-testid": "agent-write", onclick: run("write", () => { const text = drafts[c.id] || ""; drafts[c.id] = ""; return { text }; }), text: "Send" }),
      el("button", { type: "button", "data-testid": "agent-file", onclick: run("file", () => ({ caption: "statement.pdf" })), text: "Share a file" }),
      el("button", { type: "button", "data-testid": "agent-close", onclick: run("close"), text: "Close (hand back)" })) : null);
}

// ---- dead letters ----

async function loadDeadLetters() {
  const letters = await api("GET", "dead-letters");
  $("#dead").replaceChildren(...(letters.length ? letters.map((e) =>
    el("li", { "data-testid": "dead-letter" },
      el("span", { class: "muted", text: time(e.at) }), el("strong", { text: ` ${e.type}` }),
      e.type === "job.dead_letter" ? el("button", { type: "button", "data-testid": "redrive", onclick: (ev) => act(ev.target, async () => { await api("POST", `dead-letters/${encodeURIComponent(e.sk)}/redrive`, {}); await loadDeadLetters(); }), text: "Redrive" }) : null,
      el("pre", { text: JSON.stringify(e.data, null, 2) })))
    : [el("li", { class: "muted", text: "no dead letters" })]));
}

// ---- wiring ----

document.addEventListener("DOMContentLoaded", () => {
  for (const tab of document.querySelectorAll("[role=tab]")) tab.addEventListener("click", () => showTab(tab.dataset.tab));
  $("#new-conversation").addEventListener("submit", (e) => act(e.submitter, () => startConversation(e)));
  $("#composer").addEventListener("submit", (e) => {
    e.preventDefault();
    const text = e.target.text.value.trim();
    if (!text) return;
    e.target.text.value = "";
    act(e.submitter, () => send({ kind: "text", text }));
  });
  for (const button of document.querySelectorAll("[data-upload]")) button.addEventListener("click", () => act(button, () => send({ kind: "upload", upload: UPLOADS[button.dataset.upload] })));
  $("#engage-form").addEventListener("submit", (e) => {
    e.preventDefault();
    act(e.submitter, () => send({ kind: "text", text: engageLine(e.target) }));
  });
  $("[name=action]").addEventListener("change", (e) => {
    for (const span of document.querySelectorAll("#engage-form [data-action]")) span.hidden = span.dataset.action !== e.target.value;
  });
  $("#raw-toggle").addEventListener("change", (e) => document.body.classList.toggle("show-raw", e.target.checked));
  $("#chat-handback").addEventListener("click", (e) =>
    act(e.target, async () => {
      await api("POST", `sessions/${encodeURIComponent(`conv#${state.current.id}`)}/handback`, {});
      await poll();
    }));
  $("#everywhere-close").addEventListener("click", () => ($("#everywhere").hidden = true));
  $("#sessions-refresh").addEventListener("click", (e) => act(e.target, loadSessions));
  $("#dead-refresh").addEventListener("click", (e) => act(e.target, loadDeadLetters));
  act(null, loadInfo).then(() => document.body.dataset.ready = "true");
});
