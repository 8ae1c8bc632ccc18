import { indexLivePersonConversation } from "../../lib/platforms/liveperson/conversation-index";
import type { Runtime } from "../../lib/runtime";
import { newSession } from "../../lib/session/session";

/**
 * A Business Messenger chat already handed over to LivePerson conversation `lpConversationId`: the `lp#` index item
 * and the session with its human link, written directly (no LivePerson call), for tests of LivePerson's webhook.
 */
export async function seedLivePersonHandover(rt: Runtime, lpConversationId: string, conversationId: string, now = rt.clock()): Promise<void> {
  await indexLivePersonConversation(rt, lpConversationId, { platform: "bm", conversationId });
  const session = {
    ...newSession("bm", conversationId, now),
    version: 1,
    handover: { status: "human" as const, since: now, target: "liveperson" },
    human: { provider: "liveperson" as const, extConsumerId: `bm:${conversationId}`, consumerJws: "jws", conversationId: lpConversationId, origin: { platform: "bm" } },
    expiresAt: Math.floor(now / 1000) + 86_400,
  };
  const saved = await rt.sessions.save(session, 0);
  if (saved !== "saved") throw new Error(`seeding ${conversationId}: ${saved}`);
}
