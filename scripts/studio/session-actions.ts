/**
 * What a developer may do to a stored conversation, for the studio and the terminal tools alike (`npm run admin`,
 * the chat's /handback): hand a conversation back to the bot, reset it, redrive a dead-lettered job.
 * Sessions are read and written only through the project's own classes (ReadStore → fromSessionItem, SessionStore
 * → the versioned write), never as raw attributes, so a change of the item's stored format changes nothing here.
 * Against a deployed stage's tables (source "AWS") every action refuses unless writes were asked for.
 */
import { SQSClient } from "@aws-sdk/client-sqs";
import { DeleteCommand } from "@aws-sdk/lib-dynamodb";
import { isJob, type Job } from "../../lib/jobs/job";
import { SqsJobQueue } from "../../lib/jobs/sqs-queue";
import { EventStore, type EventRecord } from "../../lib/session/events";
import { DEAD_LETTER_KEY } from "../../lib/session/keys";
import type { Session } from "../../lib/session/session";
import { SessionStore } from "../../lib/session/store";
import { describeTarget, ToolError, type ReadStore } from "../sessions/store";

/** Days the studio's own event records live (what it did, next to the conversation's events). */
const ACTION_EVENT_TTL_DAYS = 30;

/** An action that cannot be done as asked: `status` is the HTTP status the studio answers with. */
export class ActionError extends ToolError {
  constructor(
    message: string,
    readonly status: 404 | 409 | 403 | 400,
  ) {
    super(message);
  }
}

export interface SessionActionOptions {
  /** Writes to a deployed stage's tables only when asked (`--write`). The local stack is always writable. */
  allowWrites?: boolean;
  /** Where a redriven job goes: the local SQS stand-in's URL (npm start) or a deployed JOBS_QUEUE_URL. */
  jobsQueueUrl?: string;
  clock?: () => number;
}

export class SessionActions {
  private readonly sessions: SessionStore;
  private readonly events: EventStore;
  private readonly clock: () => number;

  constructor(
    readonly store: ReadStore,
    private readonly options: SessionActionOptions = {},
  ) {
    this.sessions = new SessionStore(store.doc, store.target.tables.sessions);
    this.events = new EventStore(store.doc, store.target.tables.events, ACTION_EVENT_TTL_DAYS);
    this.clock = options.clock ?? Date.now;
  }

  /** The session, or a 404 naming the table. */
  async session(pk: string): Promise<Session> {
    const session = await this.store.getSession(pk);
    if (!session) throw new ActionError(`no session ${pk} in ${this.store.target.tables.sessions} at ${describeTarget(this.store.target)}`, 404);
    return session;
  }

  /**
   * Ends a human's hold: the bot answers the next message. A desk conversation still open (LivePerson) is
   * forgotten here, not closed: close it from the agent's side to tell the desk (the studio does that first).
   */
  async handBack(pk: string): Promise<Session> {
    this.assertWritable("handing back");
    const session = await this.session(pk);
    if (session.handover.status !== "human") throw new ActionError(`${pk} is already with the bot`, 409);
    const now = this.clock();
    const human = session.human ? withoutDeskConversation(session.human) : undefined;
    const next: Session = { ...session, version: session.version + 1, handover: { status: "bot" }, updatedAt: now, ...(human ? { human } : {}) };
    if ((await this.sessions.save(next, session.version)) === "conflict") {
      throw new ActionError(`${pk} changed while handing back (a turn ran): try again`, 409);
    }
    await this.record(pk, session, "studio.handback", { from: session.handover });
    return next;
  }

  /** Deletes the session item (if still at the version read): the next message starts a new conversation. */
  async reset(pk: string): Promise<void> {
    this.assertWritable("resetting");
    const session = await this.session(pk);
    try {
      await this.store.doc.send(
        new DeleteCommand({
          TableName: this.store.target.tables.sessions,
          Key: { pk },
          ConditionExpression: "#v = :v",
          ExpressionAttributeNames: { "#v": "version" },
          ExpressionAttributeValues: { ":v": session.version },
        }),
      );
    } catch (err) {
      if ((err as Error).name === "ConditionalCheckFailedException") throw new ActionError(`${pk} changed while resetting (a turn ran): try again`, 409);
      throw err;
    }
    await this.record(pk, session, "studio.reset", { version: session.version });
  }

  /** Jobs that failed for good (newest `limit`, oldest first). */
  deadLetters(limit = 50): Promise<EventRecord[]> {
    return this.store.events(DEAD_LETTER_KEY, limit);
  }

  /**
   * Sends a dead-lettered job (by its event's sort key) to the job queue again, under a new deduplication id (the
   * queue would drop a repeat of the old one). Returns the job as sent.
   */
  async redrive(sk: string): Promise<Job> {
    this.assertWritable("redriving");
    const { jobsQueueUrl } = this.options;
    if (!jobsQueueUrl) throw new ActionError("no job queue known: run it against `npm start`, or set JOBS_QUEUE_URL for a deployed stage", 400);
    const letter = (await this.deadLetters(1000)).find((e) => e.sk === sk);
    if (!letter) throw new ActionError(`no dead letter ${sk} in ${DEAD_LETTER_KEY}`, 404);
    const job = (letter.data as { job?: unknown } | undefined)?.job;
    if (!isJob(job) || typeof job.group !== "string" || typeof job.dedupeId !== "string") throw new ActionError(`dead letter ${sk} holds no job (its message was not one)`, 400);
    const again: Job = { ...job, dedupeId: `${job.dedupeId}#redrive-${this.clock()}` };
    const local = !jobsQueueUrl.startsWith("https://");
    const queue = local
      ? new SqsJobQueue(jobsQueueUrl, new SQSClient({ endpoint: new URL(jobsQueueUrl).origin, region: this.store.target.region, credentials: { accessKeyId: "local", secretAccessKey: "local" }, maxAttempts: 1 }))
      : new SqsJobQueue(jobsQueueUrl);
    await queue.enqueue(again);
    await this.events.record({ pk: DEAD_LETTER_KEY, type: "job.redriven", platform: letter.platform, data: { sk, kind: job.kind, group: job.group, dedupeId: again.dedupeId } }, this.clock());
    return again;
  }

  private assertWritable(what: string): void {
    if (this.store.target.source === "AWS" && !this.options.allowWrites) {
      throw new ActionError(`${what} writes to the deployed tables at ${describeTarget(this.store.target)}: read-only unless asked (--write)`, 403);
    }
  }

  private record(pk: string, session: Session, type: string, data: Record<string, unknown>): Promise<unknown> {
    return this.events.record({ pk, type, platform: session.platform, conversationId: session.conversationId, data }, this.clock());
  }
}

function withoutDeskConversation(human: NonNullable<Session["human"]>): NonNullable<Session["human"]> {
  const { conversationId: _closed, ...rest } = human;
  return rest;
}
