import { createHash, randomUUID } from "node:crypto";
import type { SQSRecord } from "aws-lambda";

/**
 * An SQS FIFO queue's bookkeeping, in memory, for the local stand-ins (./local-queue.ts, scripts/local-sqs.ts):
 * messages in send order; a batch takes up to `max` visible messages across groups, FIFO within each; a group
 * with a message in flight (or waiting out its visibility timeout) gives nothing, so no two batches hold one
 * group; a received message is invisible for the visibility timeout and comes back unless deleted; one that
 * failed its `maxReceiveCount`th receive moves to the dead letters.
 */
export interface QueuedMessage {
  readonly messageId: string;
  readonly body: string;
  readonly group: string;
  readonly dedupeId: string;
  readonly sentAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  /** Epoch ms from which it may be received again (counted from its last receive, as SQS does). */
  visibleAt: number;
  /**
   * Handed to a consumer that has not answered yet. Never handed out twice at once, whatever the visibility
   * timeout: deployed, that timeout is 6 × the worker's, which ends long before; locally the tests shorten it.
   */
  inFlight: boolean;
  /** The current receive's handle: a stale receive (its visibility ran out) cannot delete or fail it. */
  receiptHandle?: string;
}

export interface FifoOptions {
  visibilityTimeoutMs: number;
  maxReceiveCount: number;
  now?: () => number;
}

/** SQS's deduplication interval. */
const DEDUPE_WINDOW_MS = 5 * 60_000;
/** Deduplication ids remembered at most (a long-running local stack must not grow without end). */
const MAX_REMEMBERED = 10_000;

export class FifoMessages {
  private readonly messages: QueuedMessage[] = [];
  private readonly seen = new Map<string, number>();
  readonly deadLetters: QueuedMessage[] = [];
  private readonly now: () => number;

  constructor(private readonly options: FifoOptions) {
    this.now = options.now ?? Date.now;
  }

  get size(): number {
    return this.messages.length;
  }

  /** Queues a message; undefined when its deduplication id was sent within the last five minutes. */
  send(body: string, group: string, dedupeId: string): QueuedMessage | undefined {
    const now = this.now();
    for (const [id, at] of this.seen) {
      if (at > now - DEDUPE_WINDOW_MS && this.seen.size < MAX_REMEMBERED) break;
      this.seen.delete(id); // oldest first: Map keeps insertion order
    }
    if (this.seen.has(dedupeId)) return undefined;
    this.seen.set(dedupeId, now);
    const message: QueuedMessage = { messageId: randomUUID(), body, group, dedupeId, sentAt: now, receiveCount: 0, visibleAt: 0, inFlight: false };
    this.messages.push(message);
    return message;
  }

  /** One batch: up to `max` visible messages, across groups, each group's in order from its head. */
  receive(max = 10): QueuedMessage[] {
    const now = this.now();
    const blocked = new Set<string>();
    const batch: QueuedMessage[] = [];
    for (const message of this.messages) {
      if (batch.length === max) break;
      if (blocked.has(message.group)) continue;
      if (message.inFlight || message.visibleAt > now) {
        blocked.add(message.group); // in flight or waiting: its group's later messages wait behind it
        continue;
      }
      message.receiveCount++;
      message.firstReceivedAt ??= now;
      message.visibleAt = now + this.options.visibilityTimeoutMs;
      message.receiptHandle = randomUUID();
      message.inFlight = true;
      batch.push(message);
    }
    return batch;
  }

  /** The consumer finished it: gone. */
  delete(message: QueuedMessage, receiptHandle: string): void {
    if (message.receiptHandle === receiptHandle) this.remove(message);
  }

  /**
   * The consumer reported it failed (or never answered): it stays invisible until its visibility timeout
   * ends, or moves to the dead letters after its last receive. True when it was dead-lettered.
   */
  fail(message: QueuedMessage, receiptHandle: string): boolean {
    if (message.receiptHandle !== receiptHandle) return false;
    message.inFlight = false;
    if (message.receiveCount < this.options.maxReceiveCount) return false;
    this.remove(message);
    this.deadLetters.push(message);
    return true;
  }

  /** When the next waiting message becomes visible, if any waits. */
  nextVisibleAt(): number | undefined {
    const now = this.now();
    const waiting = this.messages.filter((m) => !m.inFlight && m.visibleAt > now).map((m) => m.visibleAt);
    return waiting.length ? Math.min(...waiting) : undefined;
  }

  private remove(message: QueuedMessage): void {
    const index = this.messages.indexOf(message);
    if (index >= 0) this.messages.splice(index, 1);
  }
}

/** A received message as the SQS event source hands it to Lambda. */
export function sqsRecordOf(message: QueuedMessage, queueArn: string): SQSRecord {
  return {
    messageId: message.messageId,
    receiptHandle: message.receiptHandle ?? "",
    body: message.body,
    attributes: {
      ApproximateReceiveCount: String(message.receiveCount),
      SentTimestamp: String(message.sentAt),
      SenderId: "local",
      ApproximateFirstReceiveTimestamp: String(message.firstReceivedAt ?? message.sentAt),
      MessageGroupId: message.group,
      MessageDeduplicationId: message.dedupeId,
      SequenceNumber: String(message.sentAt),
    },
    messageAttributes: {},
    md5OfBody: createHash("md5").update(message.body).digest("hex"),
    eventSource: "aws:sqs",
    eventSourceARN: queueArn,
    awsRegion: queueArn.split(":")[3] ?? "local",
  };
}
