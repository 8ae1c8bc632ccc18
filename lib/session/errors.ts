/** The store could not be reached or refused for a transient reason: answer 503, the platform retries. */
export class StoreUnavailableError extends Error {
  constructor(operation: string, cause: unknown) {
    super(`session store unavailable (${operation})`, { cause });
    this.name = "StoreUnavailableError";
  }
}

/**
 * Every optimistic-concurrency attempt lost the race, or (`why`) the turn gave up earlier because another one
 * could not commit before its deadline: answer 503 so the platform retries.
 */
export class TurnConflictError extends Error {
  constructor(key: string, attempts: number, why?: string) {
    super(why ? `conversation ${key} is busy: ${why} after ${attempts} concurrent-update attempts` : `conversation ${key} is busy: ${attempts} concurrent-update retries exhausted`);
    this.name = "TurnConflictError";
  }
}

/** A session update the store refuses (reserved key, too large): a bug in the bot, not in the request. */
export class InvalidSessionUpdateError extends Error {
  constructor(message: string) {
    super(message);
    this.name = "InvalidSessionUpdateError";
  }
}

/**
 * The function is about to time out (or its answer already left as a 503): nothing more is committed, so
 * the caller's retry runs the turn once. Answered 503 with Retry-After.
 */
export class TurnAbortedError extends Error {
  constructor(reason: string) {
    super(`the function is about to time out: ${reason}; retry`);
    this.name = "TurnAbortedError";
  }
}
