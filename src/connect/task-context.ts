import type { TopicPartition } from '../client/index.js';
import type { SourceMap } from './data/connect-record.js';

/** The subset of a pino logger tasks may use; the runtime binds connector and task to every line. */
export interface TaskLogger {
  debug(obj: object | string, msg?: string): void;
  info(obj: object | string, msg?: string): void;
  warn(obj: object | string, msg?: string): void;
  error(obj: object | string, msg?: string): void;
}

/** What every task is given when it starts. */
export interface TaskContext {
  connectorName: string;
  /** 0-based index of this task among the connector's tasks. */
  taskId: number;
  logger: TaskLogger;
  /**
   * Aborted when the runtime stops the task. A `poll()` or `put()` waiting on I/O should listen to it and return
   * promptly; `stop()` is still called afterwards.
   */
  signal: AbortSignal;
}

/** Reads the offsets this connector committed for its source partitions, from `connect-offsets`. */
export interface OffsetReader {
  /** The last committed offset of `partition`, or null when none was ever committed (start from the beginning). */
  offset(partition: SourceMap): Promise<SourceMap | null>;
}

export interface SourceTaskContext extends TaskContext {
  offsetReader: OffsetReader;
  /**
   * Asks the runtime to commit offsets as soon as the records handed out so far are durable, rather than at the
   * next `offset.flush.interval.ms`; `commit()` follows. For a source that acts on its committed offsets: the CSV
   * source cleans up a file once the offset of its last row is committed.
   */
  requestCommit(): void;
  /**
   * `'json'` when every record value goes unchanged (no transform) to the JSON converter: the task may then hand a
   * value as {@link JsonBytes}, the converter's bytes for it under the record's value schema (null for schemaless
   * JSON), instead of building it. Unset otherwise; a task must then hand out values.
   */
  valueFormat?: 'json';
  /**
   * True when every record value goes unchanged (no transform) to the string converter writing UTF-8: the task may
   * then hand a string value as its UTF-8 bytes (a Buffer, which the converter writes as it is) instead of decoding
   * text only for the converter to encode it again. Unset otherwise.
   */
  textValuesAsBytes?: true;
}

export interface SinkTaskContext extends TaskContext {
  /** The topic-partitions this task currently reads. */
  assignment(): TopicPartition[];
  /** Rewinds (or skips) a partition: the next `put` delivers records from `offset` on. */
  seek(tp: TopicPartition, offset: number): void;
  /** Stops delivering records of these partitions until `resume`; the task keeps its assignment. */
  pause(partitions: TopicPartition[]): void;
  resume(partitions: TopicPartition[]): void;
  /** Asks the runtime to flush and commit soon, rather than at the next `offset.flush.interval.ms`. */
  requestCommit(): void;
}
