/**
 * The client contract: what Connect, Streams and pipelines code against, implemented by the embedded backend
 * (direct calls into src/log and src/group) and by the kafka backend (kafkajs over the network). Nothing here
 * depends on which one runs: anything only one of them can do stays out.
 */

import type { Admin } from './admin.js';
import type { Consumer, ConsumerOptions } from './consumer.js';
import type { KafkaSecurityInput } from './options.js';
import type { Producer, ProducerOptions } from './producer.js';
import type { Bytes } from './serde.js';

/** A log in a local directory, opened (and locked) by this process. */
export interface EmbeddedLogOptions {
  dir: string;
  /** Producers and subscribers may create missing topics. Default true. */
  autoCreateTopics?: boolean;
  /** Partitions of an auto-created topic. Default 1. */
  defaultPartitions?: number;
}

/** Any Kafka-protocol cluster: `sluice broker`, Apache Kafka, Redpanda. */
export interface KafkaLogOptions extends KafkaSecurityInput {
  /** `host:port` bootstrap addresses. */
  brokers: string[];
}

/** What {@link connect} takes; a pipeline's `log:` section has the same shape. */
export interface ClientOptions {
  log: EmbeddedLogOptions | KafkaLogOptions;
  /** Sent to brokers and shown in group descriptions. Default `sluice`. */
  clientId?: string;
}

/**
 * A connection to one log. Producers, consumers and admins made from it share its resources; closing the client
 * closes them all.
 */
export interface Client {
  /** Which backend serves this client; for logs and diagnostics only, never for branching behaviour. */
  readonly backend: 'embedded' | 'kafka';
  /** A new producer. Rejects its first `send` (not this call) on a connection problem. Options are validated here. */
  producer<K = Bytes, V = Bytes>(options?: ProducerOptions<K, V>): Producer<K, V>;
  /** A new consumer; it does nothing until `subscribe` or `assign`. Options are validated here ({@link ConfigError}). */
  consumer<K = Buffer | null, V = Buffer | null>(options?: ConsumerOptions<K, V>): Consumer<K, V>;
  /** The admin of this log (one per client; cheap to call again). */
  admin(): Admin;
  /**
   * Closes every producer (flushing it), consumer (committing and leaving its group) and admin made from this
   * client, then releases the log when the client opened it. Idempotent.
   */
  close(): Promise<void>;
}

export type {
  Admin,
  ConsumerGroupDescription,
  ConsumerGroupListing,
  ConsumerGroupMember,
  NewTopic,
  OffsetResetPlanEntry,
  OffsetResetRequest,
  OffsetResetTarget,
  PartitionInfo,
  PartitionLag,
  TopicInfo,
} from './admin.js';
export type {
  AssignorName,
  Consumer,
  ConsumerOptions,
  EachBatchPayload,
  EachMessagePayload,
  RebalanceListener,
  RunOptions,
} from './consumer.js';
export type { Partitioner, Producer, ProducerOptions, TopicMessages, Transaction } from './producer.js';
export type {
  ConsumerBatch,
  ConsumerRecord,
  Header,
  ProducerRecord,
  RecordHeaders,
  RecordMetadata,
  TopicPartition,
  TopicPartitionOffset,
  TopicPartitions,
} from './records.js';
export type { Bytes, Serde } from './serde.js';
