import type { ConsumerBatch } from '../records.js';

/**
 * What the three read styles pull from: the consumer's flow-controlled batches. Each delivered batch must be
 * acknowledged with `processed` (fully, partly, or not at all with `upTo` before its first offset) before its
 * partition delivers again.
 */
export interface BatchSource<K, V> {
  /** The next batch, or null once the read was stopped. */
  next(): Promise<ConsumerBatch<K, V> | null>;
  /** Records up to `upTo` (default all) are processed; later ones are delivered again. */
  processed(batch: ConsumerBatch<K, V>, upTo?: number): void;
  /** True when the batch's partition was revoked or seeked since delivery. */
  isStale(batch: ConsumerBatch<K, V>): boolean;
  /** Pauses the batch's partition; the returned function resumes it. */
  pause(batch: ConsumerBatch<K, V>): () => void;
  /** False once the read is being stopped. */
  isRunning(): boolean;
  /** Ends the read: pending and later `next` calls resolve null. */
  stop(): void;
  /** Called once when the read style has ended, so another may start. */
  release(): void;
}

/** Hands a batch back unprocessed: every record of it will be delivered again. */
export function giveBack<K, V>(source: BatchSource<K, V>, batch: ConsumerBatch<K, V>): void {
  source.processed(batch, batch.records[0].offset - 1);
}
