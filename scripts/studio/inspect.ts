/**
 * Sessions and events as the studio shows them, decoded: every structured field as data (never escaped JSON),
 * read only through the tools' ReadStore (which decodes items with lib/session's fromSessionItem).
 */
import type { EventRecord } from "../../lib/session/events";
import type { Session } from "../../lib/session/session";
import { describeTarget, type ReadStore } from "../sessions/store";
import { StudioError } from "./http-kit";

export interface SessionRow {
  pk: string;
  platform: string;
  conversationId: string;
  version: number;
  state: string | null;
  handover: "bot" | "human";
  updatedAt: number;
  turns: number;
}

export interface SessionDetail {
  session: Session;
  events: EventRecord[];
  store: string;
}

const CONVERSATION_KEY = /^conv#[a-z]+#.+$/;

export async function listSessions(store: ReadStore, platform?: string, limit = 100): Promise<SessionRow[]> {
  return (await newestSessions(store, platform, limit)).newest.map(sessionRow);
}

/** The `limit` most recently updated sessions, newest first, and how many there are (the studio's list and `npm run sessions -- list`). */
export async function newestSessions(store: ReadStore, platform: string | undefined, limit: number): Promise<{ newest: Session[]; total: number }> {
  const all = await store.scanSessions(platform);
  all.sort((a, b) => (b.updatedAt ?? 0) - (a.updatedAt ?? 0) || a.pk.localeCompare(b.pk));
  return { newest: all.slice(0, limit), total: all.length };
}

/** One conversation as a row of a list (the studio's, and `npm run sessions -- list --json`). */
export const sessionRow = (s: Session): SessionRow => ({
  pk: s.pk,
  platform: s.platform,
  conversationId: s.conversationId,
  version: s.version,
  state: s.state ?? null,
  handover: s.handover?.status ?? "bot",
  updatedAt: s.updatedAt,
  turns: s.history?.filter((h) => h.role === "user").length ?? 0,
});

/** `conv#<platform>#<id>` or `<platform>#<id>`, checked. */
export function conversationKey(ref: string): string {
  const pk = ref.startsWith("conv#") ? ref : `conv#${ref}`;
  if (!CONVERSATION_KEY.test(pk)) throw new StudioError(400, `"${ref}" is not a conversation key (conv#<platform>#<id>)`);
  return pk;
}

export async function sessionDetail(store: ReadStore, ref: string, eventLimit = 200): Promise<SessionDetail> {
  const pk = conversationKey(ref);
  const [session, events] = await Promise.all([store.getSession(pk), store.events(pk, eventLimit)]);
  if (!session) throw new StudioError(404, `no session ${pk} in ${store.target.tables.sessions}`);
  return { session, events, store: `${store.target.tables.sessions} at ${describeTarget(store.target)}` };
}
