import type { ConsumerBatch } from '../records.js';

/**
 * What a reader says about a batch it was handed: the offset to continue from (last processed + 1; the batch's
 * first offset when nothing was processed), or `'dropped'` when a seek made the batch moot.
 */
export type HandoffResult = number | 'dropped';

/** The active way to read: takes a batch, resolves once the reader is done with it. */
export type Sink<K, V> = (batch: ConsumerBatch<K, V>) => Promise<HandoffResult>;

interface Pending<K, V> {
  batch: ConsumerBatch<K, V>;
  settle: (result: HandoffResult) => void;
}

/**
 * The async-iterator way to read: kafkajs pushes batches in (each push waits until the reader is done with its
 * batch, which is the backpressure), `next()` pulls them out. A batch counts as processed when `next()` is
 * called again; `return()` (a `break`) hands the last one back unprocessed.
 */
export class BatchQueue<K, V> {
  private readonly pending: Pending<K, V>[] = [];
  private current: Pending<K, V> | null = null;
  private wake: (() => void) | null = null;
  private stopped = false;

  readonly sink: Sink<K, V> = (batch) =>
    new Promise<HandoffResult>((settle) => {
      if (this.stopped) settle(batch.records[0].offset);
      else this.pending.push({ batch, settle });
      this.wake?.();
    });

  async next(): Promise<IteratorResult<ConsumerBatch<K, V>>> {
    this.finishCurrent(true);
    while (!this.stopped && this.pending.length === 0) {
      await new Promise<void>((resolve) => {
        this.wake = resolve;
      });
      this.wake = null;
    }
    if (this.stopped) return this.end();
    this.current = this.pending.shift() as Pending<K, V>;
    return { done: false, value: this.current.batch };
  }

  /**
   * Ends the iteration; the batch in the reader's hands is processed only when `processed` says so, queued ones
   * are handed back unprocessed at once: kafkajs waits for every batch it pushed before it can leave or rejoin.
   */
  stop(processed: boolean): void {
    this.finishCurrent(processed);
    this.stopped = true;
    this.settlePending();
    this.wake?.();
  }

  /** Hands every queued batch back unprocessed (its partition is being revoked); the one in the reader's hands stays. */
  withdrawAll(): void {
    this.settlePending();
  }

  /** Drops queued batches of a partition (after a seek). */
  drop(topic: string, partition: number): void {
    for (let i = this.pending.length - 1; i >= 0; i--) {
      const p = this.pending[i];
      if (p.batch.topic === topic && p.batch.partition === partition) {
        this.pending.splice(i, 1);
        p.settle('dropped');
      }
    }
  }

  private end(): IteratorResult<ConsumerBatch<K, V>> {
    this.settlePending();
    return { done: true, value: undefined };
  }

  private settlePending(): void {
    for (const p of this.pending.splice(0)) p.settle(p.batch.records[0].offset);
  }

  private finishCurrent(processed: boolean): void {
    const c = this.current;
    this.current = null;
    if (!c) return;
    const records = c.batch.records;
    c.settle(processed ? records[records.length - 1].offset + 1 : records[0].offset);
  }
}
