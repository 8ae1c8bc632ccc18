/**
 * LivePerson webhook notifications as LP sends them (the shapes of LP's public node-agent-sdk and connector demo):
 * messaging changes carry both `dialogId` and `conversationId` and the originator's role; conversation changes
 * carry `state`, `stage` and `dialogs[]` (a MAIN dialog whose id is the conversation's, and after the agent closes,
 * possibly a POST_SURVEY dialog of its own id).
 */
export const ACCOUNT = "12345678";
export const AGENT_ID = `${ACCOUNT}.42`;

export type Role = "ASSIGNED_AGENT" | "AGENT" | "MANAGER" | "CONSUMER" | "CONTROLLER" | "READER";

export const textEvent = (message: string) => ({ type: "ContentEvent", contentType: "text/plain", message });

/** An agent's file share: `message` is an object; `relativePath` points into LP's file store (swift). */
export const hostedFileEvent = (caption: string, fileType = "JPG") => ({
  type: "ContentEvent",
  contentType: "hosted/file",
  message: {
    caption,
    relativePath: `/v1/AUTH_async-images/${ACCOUNT}/8ccc728c-2cac-4a81-878a-ab482d3f37b7_uuid_4d91eedb-2eda-433c-b469-06244fd1c3fa_17-04-2018_09-37-15-082.${fileType}`,
    fileType,
    preview: "data:image/jpeg;base64,/9j/4AAQSkZJRgABAQAASABIAAD/4QBMRXhpZgAATU0AKgAAAAgAAgESAAMAAAABAAEAAIdpAAQAAAABAAAAJg",
  },
});

export interface MessageOptions {
  dialogId: string;
  /** The conversation; differs from `dialogId` for a post-conversation survey. */
  conversationId?: string;
  sequence: number;
  role?: Role;
  originatorId?: string;
  serverTimestamp?: number;
}

export function messagingNotification(options: MessageOptions, event: Record<string, unknown>) {
  const { dialogId, conversationId = dialogId, sequence, role = "ASSIGNED_AGENT", originatorId = AGENT_ID, serverTimestamp = 1_763_726_400_000 } = options;
  return {
    kind: "notification",
    type: "ms.MessagingEventNotification",
    body: {
      changes: [
        {
          sequence,
          originatorClientProperties: { type: ".ClientProperties", appId: "webAsync", ipAddress: "10.0.0.1", features: ["PHOTO_SHARING", "QUICK_REPLIES", "MULTI_DIALOG", "RICH_CONTENT"] },
          originatorId,
          originatorMetadata: { id: originatorId, role },
          serverTimestamp,
          event,
          dialogId,
          conversationId,
        },
      ],
    },
  };
}

export interface Dialog {
  dialogId: string;
  dialogType: "MAIN" | "POST_SURVEY";
  state: "OPEN" | "CLOSE";
}

export const mainDialog = (convId: string, state: Dialog["state"]): Dialog => ({ dialogId: convId, dialogType: "MAIN", state });
export const surveyDialog = (dialogId: string, state: Dialog["state"]): Dialog => ({ dialogId, dialogType: "POST_SURVEY", state });

export interface ChangeOptions {
  state: "OPEN" | "CLOSE";
  /** The conversation's stage: it is over only when state and stage are CLOSE. Defaults to `state`. */
  stage?: "OPEN" | "CLOSE";
  ts: number;
  dialogs?: Dialog[];
  /** Roles of the participants besides the consumer. */
  roles?: Role[];
  closeReason?: string;
}

export function conversationNotification(convId: string, { state, stage = state, ts, dialogs = [mainDialog(convId, state)], roles = ["ASSIGNED_AGENT"], closeReason }: ChangeOptions) {
  const consumer = { id: "5c40c7731ad3f3d49a4a7cdd90e01dd33ab95446a7451884a76ab3079a757a5c", role: "CONSUMER" };
  const participants = [consumer, ...roles.map((role, i) => ({ id: role === "CONTROLLER" ? "52e05c00-d5e4-5823-acf7-62570b939a63" : `${ACCOUNT}.${42 + i}`, role }))];
  return {
    kind: "notification",
    type: "cqm.ExConversationChangeNotification",
    body: {
      changes: [
        {
          type: "UPSERT",
          result: {
            convId,
            effectiveTTR: -1,
            conversationDetails: {
              skillId: "-1",
              participants,
              dialogs: dialogs.map((d) => ({
                ...d,
                participantsDetails: [consumer],
                channelType: "MESSAGING",
                ...(d.dialogType === "POST_SURVEY" ? { metaData: { appInstallId: "829d951a-777e-46a3-98db-c06214e3f401" } } : {}),
                creationTs: ts - 60_000,
                metaDataLastUpdateTs: ts,
                ...(d.state === "CLOSE" ? { endTs: ts, closedBy: "AGENT" } : {}),
              })),
              brandId: ACCOUNT,
              state,
              stage,
              ...(closeReason ? { closeReason } : state === "CLOSE" ? { closeReason: "AGENT" } : {}),
              startTs: ts - 120_000,
              metaDataLastUpdateTs: ts,
              ttr: { ttrType: "NORMAL", value: 600 },
            },
          },
        },
      ],
    },
  };
}
