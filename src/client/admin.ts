import type { GroupState } from '../group/types.js';
import type { TopicConfig } from '../log/types.js';
import type { TopicPartition } from './records.js';

/** A topic to create. `config` takes Kafka's topic config names; omitted keys keep the log's defaults. */
export interface NewTopic {
  name: string;
  /** Default 1. */
  partitions?: number;
  config?: Partial<TopicConfig>;
}

export interface PartitionInfo {
  partition: number;
  /** The first offset still readable (raised by retention and deleteRecords). */
  logStartOffset: number;
  /** The log end offset: the offset the next record will get. */
  highWatermark: number;
}

export interface TopicInfo {
  name: string;
  /** Every partition, in order. */
  partitions: PartitionInfo[];
  /** The effective config: overrides over the log's defaults. */
  config: TopicConfig;
}

export interface ConsumerGroupListing {
  groupId: string;
  /** Kafka's group state names. */
  state: GroupState;
  /** `consumer` for consumer groups; other protocol types (Connect workers) are listed as well. */
  protocolType: string;
}

export interface ConsumerGroupMember {
  /** Given by the coordinator at the member's first join. */
  memberId: string;
  /** The member's `client.id`. */
  clientId: string;
  /** Where the member runs. */
  clientHost: string;
  /** Decoded from the member's consumer-protocol assignment. */
  assignment: TopicPartition[];
}

/** One partition of a group's offsets: where it is, where the log ends, and how far behind it is. */
export interface PartitionLag extends TopicPartition {
  /** The committed offset (the next to read), or -1 when none. */
  committed: number;
  /** The first offset still readable. */
  logStartOffset: number;
  /** The log end: the offset the next record will get. */
  endOffset: number;
  /** endOffset - committed, or endOffset - logStartOffset when nothing is committed. */
  lag: number;
  /** The member that owns the partition now, if any. */
  memberId?: string;
}

export interface ConsumerGroupDescription {
  groupId: string;
  state: GroupState;
  /** `consumer` for consumer groups; `''` for a group that only ever committed offsets. */
  protocolType: string;
  /** The assignor the group chose (e.g. `range`), empty while no generation runs. */
  protocol: string;
  /** Live members with what each owns; empty for an `Empty` group. */
  members: ConsumerGroupMember[];
  /** Every partition with a committed offset or an owner, sorted by topic then partition. */
  offsets: PartitionLag[];
}

/** Where to move a group's offsets. `timestamp` picks the first record at or after it (the end when none). */
export type OffsetResetTarget =
  | { to: 'earliest' }
  | { to: 'latest' }
  | { to: 'timestamp'; timestamp: number }
  | { to: 'offset'; offset: number }
  | { to: 'shift'; by: number };

export interface OffsetResetRequest {
  /** The group to move; it must have no active members. */
  groupId: string;
  /** Topics to reset (all partitions), or `{ topic, partitions }` entries; default: every topic the group has offsets for. */
  topics?: (string | { topic: string; partitions: number[] })[];
  /** Where to move each partition. */
  target: OffsetResetTarget;
  /** Compute and return the plan without committing it. */
  dryRun?: boolean;
}

/** One line of a reset plan; targets are clamped to [logStartOffset, endOffset], as Kafka's tool does. */
export interface OffsetResetPlanEntry extends TopicPartition {
  /** -1 when the group had no committed offset. */
  current: number;
  target: number;
}

/**
 * Administers topics and groups. Every method validates its input first and rejects with a typed error naming
 * what was wrong; changes are visible to producers and consumers of the same log when the promise resolves.
 */
export interface Admin {
  /** Rejects with {@link TopicExistsError} (nothing created when any exists) or {@link InvalidTopicError}. */
  createTopics(topics: NewTopic[]): Promise<void>;
  /** Deletes topics and their data. Rejects with {@link UnknownTopicError} for a missing one. */
  deleteTopics(names: string[]): Promise<void>;
  /** Names of all topics, sorted, internal topics (`__consumer_offsets`) excluded. */
  listTopics(): Promise<string[]>;
  /** Partitions with their offsets, and the full config; rejects with {@link UnknownTopicError}. */
  describeTopics(names: string[]): Promise<TopicInfo[]>;
  /** Raises the partition count of `topic` to `total` (never lowers it: Kafka cannot). */
  createPartitions(topic: string, total: number): Promise<void>;
  /** Sets and removes (back to the default) topic config keys; unknown keys are rejected with a suggestion. */
  alterTopicConfig(topic: string, set: Partial<TopicConfig>, unset?: (keyof TopicConfig)[]): Promise<void>;
  /** Offsets of every partition of a topic. */
  partitionOffsets(topic: string): Promise<PartitionInfo[]>;
  /** For each partition, the first offset whose timestamp is at or after `timestamp` (the end offset when none). */
  offsetsForTimestamp(topic: string, timestamp: number): Promise<{ partition: number; offset: number }[]>;
  /** Every group of the log (consumer groups and others, e.g. Connect workers), sorted by id. */
  listGroups(): Promise<ConsumerGroupListing[]>;
  /** Rejects with {@link GroupError} `GROUP_ID_NOT_FOUND` for a group that does not exist. */
  describeGroups(groupIds: string[]): Promise<ConsumerGroupDescription[]>;
  /**
   * Moves a group's committed offsets. The group must have no active members (`NON_EMPTY_GROUP` otherwise: stop
   * its consumers first); consumers that join later start where the plan says. Returns the plan.
   */
  resetOffsets(request: OffsetResetRequest): Promise<OffsetResetPlanEntry[]>;
  /** Deletes empty groups and their offsets; `NON_EMPTY_GROUP` or `GROUP_ID_NOT_FOUND` otherwise. */
  deleteGroups(groupIds: string[]): Promise<void>;
  /**
   * Makes records before `before` unreadable (raises the log start offset; -1 means the end). Resolves with the new
   * log start offsets. Rejects with {@link OffsetOutOfRangeError} for an offset beyond the end.
   */
  deleteRecords(
    topic: string,
    partitions: { partition: number; before: number }[],
  ): Promise<{ partition: number; logStartOffset: number }[]>;
  /** Releases what the admin holds (connections). Idempotent. */
  close(): Promise<void>;
}
