/** The store could not be reached or refused for a transient reason: answer 503, the platform retries. */
export class StoreUnavailableError extends Error {
  constructor(operation: string, cause: unknown) {
    super(`session store unavailable (${operation})`, { cause });
    this.name = "StoreUnavailableError";
  }
}

/** Every optimistic-concurrency attempt lost the race: answer 503 so the platform retries. */
export class TurnConflictError extends Error {
  constructor(key: string, attempts: number) {
    super(`conversation ${key} is busy: ${attempts} concurrent-update retries exhausted`);
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
