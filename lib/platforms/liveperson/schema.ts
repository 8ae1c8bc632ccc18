import * as z from "zod/mini";
import { idLength } from "../../http/lenient";

/** LivePerson's ids become keys (`lp#<conversation>`) and session fields: bounded in UTF-8 bytes like every id. */
const lpId = z.string().check(idLength);

/** LivePerson webhook notifications: loose, since LP adds fields; only what we act on is typed. */
const MessagingEvent = z.looseObject({
  type: z.string(),
  contentType: z.optional(z.string()),
  message: z.optional(z.unknown()),
  content: z.optional(z.unknown()),
  chatState: z.optional(z.string()),
});

export const MessagingChange = z.looseObject({
  sequence: z.optional(z.number()),
  originatorId: z.optional(lpId),
  originatorMetadata: z.optional(z.looseObject({ id: z.optional(z.string()), role: z.optional(z.string()) })),
  serverTimestamp: z.optional(z.number()),
  dialogId: z.optional(lpId),
  conversationId: z.optional(lpId),
  event: MessagingEvent,
});
export type MessagingChange = z.infer<typeof MessagingChange>;

export const ConversationChange = z.looseObject({
  type: z.optional(z.string()),
  result: z.looseObject({
    convId: lpId,
    conversationDetails: z.looseObject({
      state: z.optional(z.string()),
      /** The conversation is over only when `state` and `stage` are CLOSE (a survey may follow the agent's close). */
      stage: z.optional(z.string()),
      metaDataLastUpdateTs: z.optional(z.number()),
      dialogs: z.optional(z.array(z.looseObject({ dialogId: z.optional(lpId), dialogType: z.optional(z.string()), state: z.optional(z.string()) }))),
      participants: z.optional(z.array(z.looseObject({ id: z.optional(z.string()), role: z.optional(z.string()) }))),
    }),
  }),
});
export type ConversationChange = z.infer<typeof ConversationChange>;

/** What every notification has, whatever its type: a string `type` and a `body.changes` array. */
export const LivePersonEnvelope = z.looseObject({ type: z.string(), body: z.looseObject({ changes: z.array(z.unknown()) }) });

export const LivePersonNotification = z.discriminatedUnion("type", [
  z.looseObject({ kind: z.optional(z.string()), type: z.literal("ms.MessagingEventNotification"), body: z.looseObject({ changes: z.array(MessagingChange) }) }),
  z.looseObject({ kind: z.optional(z.string()), type: z.literal("cqm.ExConversationChangeNotification"), body: z.looseObject({ changes: z.array(ConversationChange) }) }),
]);
export type LivePersonNotification = z.infer<typeof LivePersonNotification>;
