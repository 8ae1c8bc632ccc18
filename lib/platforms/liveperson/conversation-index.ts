import { GetCommand, PutCommand } from "@aws-sdk/lib-dynamodb";
import type { Runtime } from "../../runtime";
import { StoreUnavailableError } from "../../session/errors";
import { expiresAt, lpConversationKey } from "../../session/keys";

/**
 * LivePerson conversation id → our session (platform + conversation id), as an item `lp#<conversationId>`
 * in the sessions table: LP's webhooks name only its own conversation. Written once per handover.
 */
export interface IndexedSession {
  platform: string;
  conversationId: string;
}

const key = (lpConversationId: string) => ({ pk: lpConversationKey(lpConversationId) });

export async function indexLivePersonConversation(rt: Runtime, lpConversationId: string, target: IndexedSession): Promise<void> {
  try {
    await rt.doc.send(
      new PutCommand({
        TableName: rt.settings.SESSIONS_TABLE,
        Item: { ...key(lpConversationId), kind: "lp-index", ...target, expiresAt: expiresAt(rt.clock(), rt.settings.SESSION_TTL_DAYS) },
      }),
    );
  } catch (err) {
    throw new StoreUnavailableError("write LivePerson index", err);
  }
}

export async function findLivePersonConversation(rt: Runtime, lpConversationId: string): Promise<IndexedSession | undefined> {
  try {
    const out = await rt.doc.send(new GetCommand({ TableName: rt.settings.SESSIONS_TABLE, Key: key(lpConversationId), ConsistentRead: true }));
    return out.Item ? { platform: String(out.Item.platform), conversationId: String(out.Item.conversationId) } : undefined;
  } catch (err) {
    throw new StoreUnavailableError("read LivePerson index", err);
  }
}
