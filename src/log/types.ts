/**
 * The contract of the segment log: what src/group, src/client and src/broker may rely on. The implementation lives
 * beside this file; nothing here does I/O.
 *
 * Offsets and timestamps are JavaScript numbers: int64 on disk and on the wire, but safe integers (< 2^53) in
 * practice, which keeps the hot path free of bigint arithmetic. Timestamps are milliseconds since the epoch.
 */

import type { CompressionType } from './codec/compression.js';

export type { CompressionType };

/**
 * A topic's `compression.type`, with Kafka's values: `producer` keeps what each producer sent, `uncompressed`
 * stores batches without compression, and a codec name stores them in that codec.
 */
export type TopicCompressionType = 'producer' | 'uncompressed' | Exclude<CompressionType, 'none'>;

/** `0`: resolve once handed to the log; `1`: once written to the page cache; `-1`/`'all'`: once fsynced. */
export type Acks = 0 | 1 | -1 | 'all';

export interface Header {
  key: string;
  value: Buffer | null;
}

/** A record as a producer hands it to the log. A null value is a tombstone (compaction deletes its key). */
export interface AppendRecord {
  key?: Buffer | null;
  value: Buffer | null;
  headers?: Header[];
  /** CreateTime; defaults to the time of the append. */
  timestamp?: number;
}

/** A record read back, with the offset the log assigned. `key` and `value` may share memory with a read buffer. */
export interface LogRecord {
  offset: number;
  timestamp: number;
  key: Buffer | null;
  value: Buffer | null;
  headers: Header[];
}

export interface AppendOptions {
  /** Durability of this append; defaults to the topic's `flush.*` policy with acks=1. */
  acks?: Acks;
  /**
   * The codec the producer asks for (default none); the topic's `compression.type`, unless `producer`, overrides it.
   */
  compression?: CompressionType;
  /**
   * Append as part of this producer's open transaction (ids from `Log.initTransactions`): the batch is marked
   * transactional, and read_committed readers see it only once `Log.endTransaction` commits.
   */
  transaction?: TransactionalProducer;
}

/** The producer id and epoch of a transactional producer, as `Log.initTransactions` hands them out. */
export interface TransactionalProducer {
  producerId: number;
  producerEpoch: number;
}

/**
 * `read_uncommitted` (default) reads every record up to the log end; `read_committed` skips the records of
 * aborted transactions and stops at the last stable offset, before any transaction still open.
 */
export type IsolationLevel = 'read_uncommitted' | 'read_committed';

export interface AppendResult {
  baseOffset: number;
  lastOffset: number;
  /** The broker time when the topic uses LogAppendTime, else -1 (as Kafka's ProduceResponse). */
  logAppendTime: number;
}

export interface ReadOptions {
  /** Upper bound on bytes returned; at least one whole batch is returned even if it is larger (as Kafka). */
  maxBytes?: number;
  /** Long poll: wait up to this long for data at `offset` when there is none yet. 0 = return at once. */
  maxWaitMs?: number;
  /** Return as soon as this many bytes are available (Fetch `min_bytes`). Default 1. */
  minBytes?: number;
  /** Abort a long poll (consumer closing, connection dropped). */
  signal?: AbortSignal;
  /** Used by `readRecords`; `read` returns raw batches and ignores it. Default `read_uncommitted`. */
  isolationLevel?: IsolationLevel;
}

/** Raw bytes of whole record batches, as stored on disk; the first batch may start before the requested offset. */
export interface ReadResult {
  records: Buffer;
  highWatermark: number;
  logStartOffset: number;
}

export type CleanupPolicy = 'delete' | 'compact' | 'compact,delete';

/** Per-topic configuration, with Kafka's names and defaults. */
export interface TopicConfig {
  'segment.bytes': number;
  'segment.ms': number;
  'segment.index.bytes': number;
  'index.interval.bytes': number;
  'retention.ms': number;
  'retention.bytes': number;
  'cleanup.policy': CleanupPolicy;
  'delete.retention.ms': number;
  'min.cleanable.dirty.ratio': number;
  'max.message.bytes': number;
  'message.timestamp.type': 'CreateTime' | 'LogAppendTime';
  /** `producer` keeps the codec each batch came in; any other value is the codec the topic stores batches in. */
  'compression.type': TopicCompressionType;
  /** fsync after this many records (Long.MAX = never); sluice on one node offers fsync instead of replication. */
  'flush.messages': number;
  'flush.ms': number;
}

export interface TopicDescription {
  name: string;
  partitions: number;
  config: TopicConfig;
}

export interface PartitionOffsets {
  logStartOffset: number;
  /** The offset the next appended record will get (log end offset = high watermark on one node). */
  highWatermark: number;
  /** First offset of the oldest open transaction, or the high watermark when none is open (or when absent). */
  lastStableOffset?: number;
}
