/**
 * The records and partition coordinates every client backend speaks. Offsets and timestamps are JavaScript numbers
 * (safe integers, as in the log): a backend over the Kafka protocol converts its int64 strings at the edge.
 */

import type { Header } from '../log/types.js';

export type { Header };

/** Headers as a producer may give them: an ordered list (duplicates kept), or an object of UTF-8 strings/Buffers. */
export type RecordHeaders = Header[] | Record<string, string | Buffer | null>;

/** A record handed to {@link Producer.send}. `key` and `value` go through the producer's serdes. */
export interface ProducerRecord<K, V> {
  /** Picks the partition (same key, same partition) and is what compaction keeps the last record of. */
  key?: K;
  /** `null` (with the default serde) is a tombstone: compaction deletes the key. */
  value: V;
  headers?: RecordHeaders;
  /** CreateTime in ms since the epoch; defaults to the time of `send`. */
  timestamp?: number;
  /** Explicit partition; otherwise the partitioner picks one from the key (round-robin per batch when keyless). */
  partition?: number;
}

/** Where one produced record landed. `offset` is -1 when `acks=0` (the log does not report it). */
export interface RecordMetadata {
  topic: string;
  partition: number;
  /** The offset the log gave the record; -1 with `acks=0`. */
  offset: number;
  /** The timestamp stored with the record (LogAppendTime when the topic uses it). */
  timestamp: number;
}

/** A record read by a consumer, decoded by its serdes. */
export interface ConsumerRecord<K, V> {
  topic: string;
  partition: number;
  /** Its position in the partition; commit `offset + 1` to mark it processed. */
  offset: number;
  /** CreateTime as produced, or LogAppendTime when the topic uses it; ms since the epoch. */
  timestamp: number;
  /** Decoded by the consumer's key serde (null bytes give what the serde makes of null). */
  key: K;
  /** Decoded by the consumer's value serde; a tombstone's bytes are null. */
  value: V;
  /** In the order they were produced; values stay Buffers (decode with `toString()` when they are text). */
  headers: Header[];
}

/** Records of one partition delivered together, in offset order. */
export interface ConsumerBatch<K, V> {
  topic: string;
  partition: number;
  /** Non-empty; consecutive offsets except where compaction or deleted records left gaps. */
  records: ConsumerRecord<K, V>[];
  /** The partition's high watermark (log end) when the batch was fetched; lag = highWatermark - last offset - 1. */
  highWatermark: number;
}

/** One partition of one topic. */
export interface TopicPartition {
  topic: string;
  /** From 0 to the topic's partition count - 1. */
  partition: number;
}

/** A position in a partition. As everywhere in Kafka, a committed offset is the offset of the *next* record to read. */
export interface TopicPartitionOffset extends TopicPartition {
  /** -1 where a position is unknown (no committed offset). */
  offset: number;
}

/** A topic and some (or, when omitted, all) of its partitions: the argument of pause and resume. */
export interface TopicPartitions {
  topic: string;
  /** Omitted: every partition of the topic this consumer owns. */
  partitions?: number[];
}
