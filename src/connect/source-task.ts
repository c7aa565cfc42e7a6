import type { RecordMetadata } from '../client/index.js';
import type { SourceRecord } from './data/connect-record.js';
import type { SourceTaskContext } from './task-context.js';

/**
 * A source task reads one share of a connector's input and hands it to the runtime as {@link SourceRecord}s.
 *
 * What the runtime promises:
 * - `start` is called once, before anything else, with one of the configs the connector's `taskConfigs` returned.
 * - `poll` is called from one loop, never concurrently with itself or `commit`; the next call comes only after the
 *   records of the previous one were converted, transformed and handed to the producer.
 * - A record's `sourceOffset` is committed to `connect-offsets` only after that record, and every record of the
 *   same source partition before it, is durable in its topic. After a crash the task resumes from the last committed
 *   offset, so input may be delivered twice but never lost (at-least-once).
 * - `stop` is called exactly once, also after `start` or `poll` failed, and after `context.signal` was aborted.
 *
 * What the implementer must do:
 * - In `start`, read `context.offsetReader` for each source partition and position the input just after it.
 * - Return from `poll` within about a second when there is no data (an empty array), or as soon as
 *   `context.signal` aborts, so that pause and stop stay responsive. Never busy-loop.
 * - Give each record the source partition and the offset just after it, so resuming from it neither repeats nor
 *   skips input.
 * - Throw {@link RetriableError} (optionally with a delay) or {@link NotConnectedError} for transient failures:
 *   `poll` is then called again. Throw {@link EndOfInputError} when a bounded input is exhausted. Any other error
 *   fails the task (state FAILED, with the error and stack) until it is restarted.
 * - Release every resource in `stop`; it may be called while a `poll` is still waiting.
 */
export interface SourceTask<C = Record<string, unknown>> {
  start(config: C, context: SourceTaskContext): Promise<void>;
  poll(): Promise<SourceRecord[]>;
  /**
   * Called after the runtime committed offsets for the records handed out so far; a source whose upstream needs an
   * acknowledgement (a queue) sends it here. Optional.
   */
  commit?(): Promise<void>;
  /**
   * Called once for each record `poll` returned, in poll order, once the producer made it durable, with where
   * that record landed (Kafka's `commitRecord`): the record as the task handed it out, before transforms. A record
   * a transform or the error policy dropped gets `null` metadata. Optional.
   */
  commitRecord?(record: SourceRecord, metadata: RecordMetadata | null): Promise<void>;
  stop(): Promise<void>;
}
