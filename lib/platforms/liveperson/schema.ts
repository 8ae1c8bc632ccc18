import * as z from "zod";

/** LivePerson webhook notifications (notes §3): loose, since LP adds fields; only what we act on is typed. */
const MessagingEvent = z.looseObject({
  type: z.string(),
  contentType: z.string().optional(),
  message: z.unknown().optional(),
  content: z.unknown().optional(),
  chatState: z.string().optional(),
});

export const MessagingChange = z.looseObject({
  sequence: z.number().optional(),
  originatorId: z.string().optional(),
  originatorMetadata: z.looseObject({ id: z.string().optional(), role: z.string().optional() }).optional(),
  serverTimestamp: z.number().optional(),
  dialogId: z.string().optional(),
  conversationId: z.string().optional(),
  event: MessagingEvent,
});
export type MessagingChange = z.infer<typeof MessagingChange>;

export const ConversationChange = z.looseObject({
  type: z.string().optional(),
  result: z.looseObject({
    convId: z.string(),
    conversationDetails: z.looseObject({
      state: z.string().optional(),
      metaDataLastUpdateTs: z.number().optional(),
      participants: z.array(z.looseObject({ id: z.string().optional(), role: z.string().optional() })).optional(),
    }),
  }),
});
export type ConversationChange = z.infer<typeof ConversationChange>;

export const LivePersonNotification = z.discriminatedUnion("type", [
  z.looseObject({ kind: z.string().optional(), type: z.literal("ms.MessagingEventNotification"), body: z.looseObject({ changes: z.array(MessagingChange) }) }),
  z.looseObject({ kind: z.string().optional(), type: z.literal("cqm.ExConversationChangeNotification"), body: z.looseObject({ changes: z.array(ConversationChange) }) }),
]);
export type LivePersonNotification = z.infer<typeof LivePersonNotification>;
