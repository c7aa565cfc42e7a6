import type { RecordMetadata } from '../client/index.js';
import type { SourceRecord } from './data/connect-record.js';
import type { SourceTaskContext } from './task-context.js';

/** How much of its input a source task has read (see {@link SourceTask.inputProgress}). */
export interface SourceProgress {
  /** Bytes of input read so far, including what an earlier run read before the committed offset resumed from. */
  bytesRead: number;
  /**
   * The size of the whole input, when it is bounded and known (a finite file, or the files of a finite folder);
   * undefined for input without an end (a tailed file, a watched folder, a database).
   */
  bytesTotal?: number;
}

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
   * How far through its input the task is, for progress views (`sluice run`'s percentage and ETA) and the
   * `sluice_connect_source_bytes_*` metrics. The runtime calls it after each poll (and at the end of input), so it
   * must be cheap: return counters the task keeps per chunk it reads, never do I/O. Optional: a task without it
   * shows records only.
   */
  inputProgress?(): SourceProgress;
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
