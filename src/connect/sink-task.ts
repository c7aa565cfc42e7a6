import type { TopicPartition, TopicPartitionOffset } from '../client/index.js';
import type { SinkRecord } from './data/connect-record.js';
import type { SinkTaskContext } from './task-context.js';

/**
 * A sink task writes records from topics to an external system.
 *
 * What the runtime promises:
 * - `start` is called once, first, with one of the configs the connector's `taskConfigs` returned.
 * - `put` is called with records in offset order per partition (already converted and transformed), never
 *   concurrently with itself or `flush`.
 * - `flush(offsets)` is called periodically (`offset.flush.interval.ms`), before a rebalance takes partitions
 *   away, and on graceful stop. The offsets are the next offsets to read after everything passed to `put` so far.
 *   Only after `flush` resolves does the runtime commit them to the consumer group `connect-<connector>`.
 * - After a crash, records after the last committed offset are delivered again (at-least-once).
 * - `stop` is called exactly once, after the last `flush` on a graceful stop, or after a failure.
 * - If the task has `preCommit`, the periodic commit calls it instead of `flush` and commits only the offsets it
 *   returns; before a rebalance and on stop, `flush` is still called and its offsets committed.
 *
 * What the implementer must do:
 * - `put` may buffer; `flush` must make everything passed to `put` before it durable (write and fsync, or commit a
 *   transaction) and resolve only then. A record counted as written by a committed offset must survive a crash.
 * - Tolerate redelivery of records that were written but not yet covered by a committed offset.
 * - Throw {@link RetriableError} from `put` or `flush` for transient failures: the same batch is delivered again
 *   after the delay. Throw {@link DataError} from `put` for a record that can never be written: with
 *   `errors.tolerance=all` it goes to the dead-letter queue. Any other error fails the task.
 */
export interface SinkTask<C = Record<string, unknown>> {
  /**
   * Set (by `start` at the latest) by a task that can take a string value as its UTF-8 bytes: when the value
   * converter is the string converter reading UTF-8 and no transform runs, the runtime then hands each value as the
   * bytes it was read from (a Buffer, or null), without decoding it. Optional.
   */
  takesTextBytes?: boolean;
  start(config: C, context: SinkTaskContext): Promise<void>;
  /** Called when partitions are assigned to this task (first, and after each rebalance). Optional. */
  open?(partitions: TopicPartition[]): Promise<void>;
  put(records: SinkRecord[]): Promise<void>;
  flush(offsets: TopicPartitionOffset[]): Promise<void>;
  /**
   * Optional, as in Kafka Connect: lets a task make records durable in the background while `put` goes on. Given
   * the offsets of everything put so far, returns the offsets whose records are durable now (possibly fewer, or
   * none); the runtime commits those and asks again at the next interval.
   */
  preCommit?(offsets: TopicPartitionOffset[]): Promise<TopicPartitionOffset[]>;
  /** Called when partitions are taken away, after their last `flush`. Optional. */
  close?(partitions: TopicPartition[]): Promise<void>;
  stop(): Promise<void>;
}
