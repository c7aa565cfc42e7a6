import type { Logger } from 'pino';
import type { GroupCoordinator } from '../group/index.js';
import type {
  AppendOptions,
  AppendResult,
  PartitionOffsets,
  ReadOptions,
  ReadResult,
  TopicConfig,
  TopicDescription,
} from '../log/index.js';
import type { BrokerConfig } from './broker-config.js';
import type { ProducerStates } from './producer-states.js';
import type { RequestMemory } from './request-memory.js';
import type { SaslSession } from './security/sasl-session.js';
import type { SaslUsers } from './security/sasl-users.js';

/**
 * The part of the segment log the broker serves. `Log` from src/log satisfies it; a method may answer directly or
 * with a promise. Unknown topics and partitions reject with `UnknownTopicError`/`UnknownPartitionError`, whose codes
 * are Kafka's error names.
 */
export interface BrokerLog {
  createTopic(
    name: string,
    options: { partitions?: number; config?: Partial<TopicConfig> },
  ): Promise<unknown>;
  deleteTopic(name: string): Promise<void>;
  listTopics(): string[];
  hasTopic(name: string): boolean;
  describeTopic(name: string): TopicDescription;
  alterTopicConfig(name: string, set: Partial<TopicConfig>, unset?: (keyof TopicConfig)[]): Promise<unknown>;
  createPartitions(name: string, totalCount: number): Promise<void>;
  /** Appends the client's batches as they are, stamping offsets into them. */
  appendBatches(
    topic: string,
    partition: number,
    batches: Buffer,
    options?: AppendOptions,
  ): Promise<AppendResult>;
  /** Raw whole batches from `offset`, long-polling by `maxWaitMs`/`minBytes`. */
  read(topic: string, partition: number, offset: number, options?: ReadOptions): Promise<ReadResult>;
  offsets(topic: string, partition: number): PartitionOffsets;
  offsetForTime(topic: string, partition: number, timestamp: number): Promise<number | null>;
  deleteRecords(topic: string, partition: number, beforeOffset: number): Promise<number>;
}

/** Where clients should connect: the advertised listener. */
export interface AdvertisedAddress {
  host: string;
  port: number;
}

/** Everything a request handler may use. One per broker, shared by every connection. */
export interface BrokerContext {
  log: BrokerLog;
  /** The group coordinator; group APIs answer COORDINATOR_NOT_AVAILABLE without one. */
  groups: GroupCoordinator | null;
  config: BrokerConfig;
  advertised: () => AdvertisedAddress;
  producers: ProducerStates;
  /** `queued.max.request.bytes`, shared by every connection. */
  memory: RequestMemory;
  logger: Logger;
  /** The users clients authenticate as; null when the broker does not ask for SASL. */
  saslUsers: SaslUsers | null;
}

/** What a handler knows about the request beyond its body. */
export interface RequestInfo {
  apiVersion: number;
  clientId: string | null;
  clientHost: string;
  /** Aborted when the connection closes or the broker shuts down: long polls end early. */
  signal: AbortSignal;
  /** The connection's SASL exchange; null when the broker does not ask for SASL. */
  sasl: SaslSession | null;
}
