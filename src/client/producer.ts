import type { CompressionType } from '../log/codec/compression.js';
import type { Acks } from '../log/types.js';
import type { ProducerRecord, RecordMetadata, TopicPartitionOffset } from './records.js';
import type { Bytes, Serde } from './serde.js';

/** Chooses a partition for a keyed record. The default is the log's (murmur2, as Kafka's Java client). */
export type Partitioner = (key: Buffer, partitions: number) => number;

/** Producer settings, with Kafka's names and defaults where Kafka has them. Unknown keys are rejected. */
export interface ProducerOptions<K = Bytes, V = Bytes> {
  /** How long a partition's batch waits for more records before it is appended. Default 5 (as Kafka 4). */
  'linger.ms'?: number;
  /** A partition's batch is appended as soon as it holds this many bytes. Default 16384. */
  'batch.size'?: number;
  /**
   * Bytes of records waiting to be appended, over all partitions, before `send` waits for room (Kafka blocks in
   * `send` the same way). Bounds the memory of a producer faster than its log. Default 32 MiB.
   */
  'buffer.memory'?: number;
  /** `0`: do not wait for the log; `1`: appended; `'all'`/`-1`: durable (fsynced, or acknowledged by all replicas). Default 1. */
  acks?: Acks;
  /**
   * The codec of the batches this producer writes: `none`, `gzip`, `snappy`, `lz4` or `zstd`. Default `none`. A
   * topic whose `compression.type` is not `producer` stores its batches in its own codec whatever this says.
   */
  'compression.type'?: CompressionType;
  /** Create a topic on first send when it does not exist (when the log or broker allows it). Default true. */
  'allow.auto.create.topics'?: boolean;
  /** Names this client in logs and group descriptions. Default `sluice`. */
  'client.id'?: string;
  /** Turns keys into bytes. Default: Buffers as they are, strings as UTF-8. */
  keySerde?: Serde<K>;
  /** Turns values into bytes. Default: Buffers as they are, strings as UTF-8, null as a tombstone. */
  valueSerde?: Serde<V>;
  /** Overrides the partitioner for keyed records without an explicit partition. */
  partitioner?: Partitioner;
  /**
   * Makes the producer transactional: every send must then happen inside {@link Producer.transaction}. A new
   * producer with the same id fences this one (its sends and commits fail with `PRODUCER_FENCED`) and aborts
   * what it left open. Embedded backend only: the kafka backend refuses it with a ConfigError.
   */
  'transactional.id'?: string;
}

/**
 * An open transaction of a transactional producer (kafkajs's `producer.transaction()`): its records and consumer
 * offsets become visible to read_committed consumers all at once on {@link Transaction.commit}, or never, on
 * {@link Transaction.abort} or a crash. Rejections carry `TransactionError` codes (`PRODUCER_FENCED`,
 * `INVALID_TXN_STATE`).
 */
export interface Transaction<K = Bytes, V = Bytes> {
  /** As {@link Producer.send}, inside the transaction. */
  send(topic: string, records: ProducerRecord<K, V> | ProducerRecord<K, V>[]): Promise<RecordMetadata[]>;
  send(...batches: TopicMessages<K, V>[]): Promise<RecordMetadata[]>;
  /** As {@link Producer.sendBatch}, inside the transaction. */
  sendBatch(topic: string, records: ProducerRecord<K, V>[]): Promise<void>;
  sendBatch(...batches: TopicMessages<K, V>[]): Promise<void>;
  /**
   * Commits a consumer group's offsets with the transaction (Kafka's sendOffsetsToTransaction): the group sees
   * them only once the transaction commits. `offsets` are the next offsets to read, as {@link Consumer.commit}.
   */
  sendOffsets(options: { consumerGroupId: string; offsets: TopicPartitionOffset[] }): Promise<void>;
  /**
   * Waits for every send of the transaction, then commits it. If a send failed, the transaction is aborted
   * instead and this rejects with that failure.
   */
  commit(): Promise<void>;
  /** Waits for the sends in flight, then discards everything the transaction wrote. */
  abort(): Promise<void>;
  /** True until commit or abort is called. */
  isActive(): boolean;
}

/** Records for one topic, as kafkajs's `send({ topic, messages })`. */
export interface TopicMessages<K, V> {
  topic: string;
  /** Sent in this order; records of one partition keep it. */
  messages: ProducerRecord<K, V>[];
}

/**
 * Writes records to topics. Records are accumulated per partition and appended as whole batches when a batch
 * reaches `batch.size` or has waited `linger.ms`; records of one partition keep the order of the `send` calls.
 */
export interface Producer<K = Bytes, V = Bytes> {
  /**
   * Queues `records` for `topic` and resolves when all of them are acknowledged per `acks`, with one
   * {@link RecordMetadata} per record in the order given. When the producer's buffer is full, the returned
   * promise first waits for room: awaiting each `send` keeps memory bounded.
   *
   * Rejects with {@link UnknownTopicError} (topic missing, auto-creation off), {@link UnknownPartitionError},
   * {@link RecordTooLargeError}, {@link BadInputError} (a serde failed: nothing of this call was queued), or
   * `CLIENT_CLOSED` after {@link Producer.close}.
   */
  send(topic: string, records: ProducerRecord<K, V> | ProducerRecord<K, V>[]): Promise<RecordMetadata[]>;
  /** The same for several topics at once; metadata come back in the order of the topics, then of the records. */
  send(...batches: TopicMessages<K, V>[]): Promise<RecordMetadata[]>;
  /**
   * As {@link Producer.send}, but resolves with nothing once every record is acknowledged: no metadata object is
   * made per record. The path for callers that only need to know a batch is durable (stream outputs, Connect
   * sources, dead-letter queues). Records whose key and value are Buffers already, with headers as a list and a
   * timestamp, are queued as they are, without a copy: do not change them until the call resolves.
   */
  sendBatch(topic: string, records: ProducerRecord<K, V>[]): Promise<void>;
  sendBatch(...batches: TopicMessages<K, V>[]): Promise<void>;
  /** Appends every queued batch now, without waiting for `linger.ms`, and resolves when they are acknowledged. */
  flush(): Promise<void>;
  /**
   * Opens a transaction (one at a time); the producer must have a `transactional.id`, else this rejects with a
   * ConfigError. The first call also fences earlier producers with the same id.
   */
  transaction(): Promise<Transaction<K, V>>;
  /** Flushes, then refuses further sends (an open transaction is aborted). Idempotent. */
  close(): Promise<void>;
}
