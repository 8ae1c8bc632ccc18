import type { BotReply, Turn } from "../conversation";

/** What a dialog state sees: the message, the session, and where the conversation stands. */
export interface DialogContext {
  turn: Turn;
  /** The message's text or postback, trimmed; undefined for media, locations and events. */
  text?: string;
  /** No earlier message in this conversation (or the session expired). */
  firstContact: boolean;
  /** The state that was waiting for this message, if any. */
  state?: string;
  /** The session's namespaces as they were before this turn (read-only). */
  namespaces: Readonly<Record<string, Readonly<Record<string, unknown>>>>;
  /** An AI responder is configured: a state may answer with `{ ai: {…} }`. */
  aiAvailable: boolean;
  /** A key for side effects of this turn (e.g. a money transfer) that must happen once even if the turn reruns. */
  idempotencyKey: string;
  /** Runs another state now and returns its reply (e.g. a menu dispatching to "balance"). */
  goto(state: string): Promise<BotReply>;
}

export type DialogState = (ctx: DialogContext) => BotReply | Promise<BotReply>;

/** What the engine needs of a bot. */
export interface Bot {
  reply(ctx: Omit<DialogContext, "goto">): Promise<BotReply>;
}

export interface BotDefinition<S extends string> {
  /** Runs on a first contact. */
  initial: NoInfer<S>;
  /** Runs when no state is waiting for input (or the waiting one does not exist any more). */
  defaultState: NoInfer<S>;
  states: Record<S, DialogState>;
  /** Global intents checked before the waiting state, e.g. "agent" from anywhere. */
  route?: (ctx: DialogContext) => NoInfer<S> | undefined;
}

const MAX_GOTO_DEPTH = 8;

/**
 * A bot made of named dialog states. A state answers a BotReply; its `nextDialogstate` names the state
 * that handles the conversation's next message.
 */
export function defineBot<S extends string>(definition: BotDefinition<S>): Bot {
  const { states, initial, defaultState, route } = definition;
  const has = (name: string | undefined): name is S => name !== undefined && Object.hasOwn(states, name);

  return {
    async reply(base) {
      let depth = 0;
      const ctx: DialogContext = {
        ...base,
        goto: async (name) => {
          if (++depth > MAX_GOTO_DEPTH) throw new Error(`goto depth over ${MAX_GOTO_DEPTH}: is "${name}" in a loop?`);
          if (!has(name)) throw new Error(`unknown dialog state "${name}"`);
          return states[name](ctx);
        },
      };
      const routed = route?.(ctx);
      const name: S = routed ?? (ctx.firstContact ? initial : has(ctx.state) ? ctx.state : defaultState);
      return states[name](ctx);
    },
  };
}
