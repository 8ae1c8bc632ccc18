import type { FifoMessages, QueuedMessage } from "./fifo-messages";

/** Hands a batch to its consumer; resolves with the ids of the messages that failed (a throw fails them all). */
export type DeliverBatch = (batch: readonly QueuedMessage[]) => Promise<ReadonlySet<string>>;

/**
 * What Lambda's SQS event source does for the local stand-ins: receives batches as long as any are visible
 * (several at once, never two of one group), hands each to the consumer, deletes what succeeded, and comes back
 * when a failed message's visibility timeout ends.
 */
export class FifoPump {
  private inFlight = 0;
  private timer: NodeJS.Timeout | undefined;
  private waiters: Array<() => void> = [];
  private closed = false;

  constructor(
    private readonly queue: FifoMessages,
    private readonly deliver: DeliverBatch,
    private readonly deadLettered: (message: QueuedMessage) => Promise<void>,
    private readonly batchSize = 10,
  ) {}

  /** Starts every batch that can start now, and a timer for the next message still waiting. */
  pump(): void {
    if (this.closed) return;
    for (let batch = this.queue.receive(this.batchSize); batch.length; batch = this.queue.receive(this.batchSize)) {
      this.inFlight++;
      void this.run(batch);
    }
    this.schedule();
  }

  /** Resolves when the queue is empty and no batch is in flight. */
  async drain(): Promise<void> {
    while (this.queue.size > 0 || this.inFlight > 0) await new Promise<void>((resolve) => this.waiters.push(resolve));
  }

  close(): void {
    this.closed = true;
    clearTimeout(this.timer);
  }

  private async run(batch: readonly QueuedMessage[]): Promise<void> {
    const receipts = batch.map((m) => m.receiptHandle ?? "");
    let failed: ReadonlySet<string>;
    try {
      failed = await this.deliver(batch);
    } catch {
      failed = new Set(batch.map((m) => m.messageId));
    }
    for (const [i, message] of batch.entries()) {
      if (!failed.has(message.messageId)) this.queue.delete(message, receipts[i]!);
      else if (this.queue.fail(message, receipts[i]!)) await this.deadLettered(message);
    }
    this.inFlight--;
    this.pump();
    for (const wake of this.waiters.splice(0)) wake();
  }

  private schedule(): void {
    clearTimeout(this.timer);
    const at = this.queue.nextVisibleAt();
    if (at === undefined) return;
    // Not holding the process open: npm start's server and the tests' awaits do that.
    this.timer = setTimeout(() => this.pump(), Math.max(0, at - Date.now()) + 1).unref();
  }
}
