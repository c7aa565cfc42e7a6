import type { RecordsBuilder } from '../../log/codec/record-batch.js';
import type {
  AppendOptions,
  AppendRecord,
  AppendResult,
  LogRecord,
  PartitionOffsets,
  ReadOptions,
  TopicConfig,
  TopicDescription,
  TransactionalProducer,
} from '../../log/types.js';

type Maybe<T> = T | Promise<T>;

/** What `Log.readRecords` returns: decoded records from `offset` on, and where the next read starts. */
export interface ReadRecordsResult {
  records: LogRecord[];
  nextOffset: number;
  highWatermark: number;
  logStartOffset: number;
}

/**
 * The part of the segment log the embedded backend calls. `Log` from src/log satisfies it; naming the subset keeps
 * the backend's dependency on the log explicit and lets a result be sync or async.
 */
export interface EmbeddedLog {
  hasTopic(name: string): boolean;
  listTopics(): Maybe<string[]>;
  describeTopic(name: string): Maybe<TopicDescription>;
  /** The topic's partition count, undefined when there is no such topic; lets a producer place without waiting. */
  partitionCount?(name: string): number | undefined;
  createTopic(name: string, options: { partitions: number; config?: Partial<TopicConfig> }): Promise<unknown>;
  deleteTopic(name: string): Promise<unknown>;
  alterTopicConfig(name: string, set: Partial<TopicConfig>, unset?: (keyof TopicConfig)[]): Maybe<unknown>;
  createPartitions(name: string, total: number): Maybe<unknown>;
  append(
    topic: string,
    partition: number,
    records: AppendRecord[],
    options?: AppendOptions,
  ): Promise<AppendResult>;
  /**
   * Appends a batch the producer built as it queued its records (the log writes its header). When present, the
   * embedded producer encodes each record into its batch as it queues it rather than keep record objects.
   */
  appendBuilt?(
    topic: string,
    partition: number,
    batch: RecordsBuilder,
    options?: AppendOptions,
  ): Promise<AppendResult>;
  readRecords(
    topic: string,
    partition: number,
    offset: number,
    options?: ReadOptions,
  ): Promise<ReadRecordsResult>;
  offsets(topic: string, partition: number): Maybe<PartitionOffsets>;
  /** The first offset with a timestamp at or after `timestamp`; null when no record is that new. */
  offsetForTime(topic: string, partition: number, timestamp: number): Maybe<number | null>;
  deleteRecords(topic: string, partition: number, before: number): Maybe<unknown>;
  /** Producer id and a new epoch for a transactional id (fencing earlier holders); absent: no transactions. */
  initTransactions?(transactionalId: string): Promise<TransactionalProducer>;
  /** Commits or aborts the producer's open transaction. */
  endTransaction?(producer: TransactionalProducer, commit: boolean): Promise<void>;
  close(): Promise<void>;
}
