/**
 * The contract of the group coordinator: what the embedded client backend and the Kafka wire-protocol broker call.
 *
 * The methods mirror Kafka's group APIs (JoinGroup, SyncGroup, Heartbeat, LeaveGroup, OffsetCommit, OffsetFetch,
 * ListGroups, DescribeGroups, DeleteGroups) with Kafka's semantics. A request-level failure rejects with a
 * `GroupError` whose `code` is Kafka's error name (`UNKNOWN_MEMBER_ID`, `ILLEGAL_GENERATION`,
 * `REBALANCE_IN_PROGRESS`, ...), so the broker can map it to the wire code one to one; per-item failures (one
 * partition of a commit, one group of a delete) are reported in the result beside the items that succeeded.
 *
 * Subscription and assignment bytes are opaque to the coordinator, as in Kafka; the consumer protocol codec in
 * this folder encodes what consumers put in them.
 */
import type { Logger } from 'pino';
import type { SluiceError } from '../errors.js';
import type {
  AppendOptions,
  AppendRecord,
  IsolationLevel,
  PartitionOffsets,
  TopicConfig,
  TransactionalProducer,
} from '../log/types.js';

/** Kafka's error names the coordinator raises, as `GroupError.code`. */
export type GroupErrorCode =
  | 'COORDINATOR_NOT_AVAILABLE' // coordinator closed, or the group is being deleted
  | 'COORDINATOR_LOAD_IN_PROGRESS' // still replaying __consumer_offsets
  | 'INVALID_GROUP_ID' // empty group id
  | 'UNKNOWN_MEMBER_ID' // member id not (or no longer) in the group: rejoin with memberId ''
  | 'ILLEGAL_GENERATION' // request from an older generation (a zombie): rejoin
  | 'REBALANCE_IN_PROGRESS' // the group is rebalancing: rejoin
  | 'MEMBER_ID_REQUIRED' // first join: rejoin with the member id carried by the error
  | 'FENCED_INSTANCE_ID' // another member took over this group.instance.id
  | 'INCONSISTENT_GROUP_PROTOCOL' // protocol type or protocol names do not match the group's
  | 'INVALID_SESSION_TIMEOUT' // outside group.min/max.session.timeout.ms
  | 'GROUP_MAX_SIZE_REACHED'
  | 'GROUP_ID_NOT_FOUND'
  | 'NON_EMPTY_GROUP'
  | 'GROUP_SUBSCRIBED_TO_TOPIC' // OffsetDelete of a topic a member still consumes
  | 'OFFSET_METADATA_TOO_LARGE'
  | 'UNKNOWN_TOPIC_OR_PARTITION'
  | 'OFFSET_OUT_OF_RANGE';

/** The states of a group, with Kafka's names (DescribeGroups / ListGroups report them verbatim). */
export type GroupState = 'Empty' | 'PreparingRebalance' | 'CompletingRebalance' | 'Stable' | 'Dead';

// ---------------------------------------------------------------------------------------------------------------
// Timers

/** A cancellable timer handle returned by {@link Scheduler.setTimeout}. */
export interface TimerHandle {
  cancel(): void;
}

/**
 * Time as the coordinator sees it. Session timeouts, rebalance timeouts and offset expiry all go through this,
 * so tests drive time by hand (see `ManualScheduler`) instead of sleeping.
 */
export interface Scheduler {
  /** Milliseconds since the epoch. */
  now(): number;
  /** Runs `fn` once, `delayMs` from now, unless cancelled first. */
  setTimeout(fn: () => void, delayMs: number): TimerHandle;
}

// ---------------------------------------------------------------------------------------------------------------
// The log the coordinator stores offsets in

/** A record read back from the offsets topic. */
export interface StoredRecord {
  offset: number;
  key: Buffer | null;
  value: Buffer | null;
}

/**
 * The part of the segment log the coordinator uses: the compacted topic `__consumer_offsets`, and the end offsets
 * of user topics to validate commits. `Log` from src/log satisfies it.
 */
export interface CoordinatorLog {
  hasTopic(name: string): boolean;
  createTopic(name: string, options: { partitions: number; config?: Partial<TopicConfig> }): Promise<unknown>;
  append(
    topic: string,
    partition: number,
    records: AppendRecord[],
    options?: AppendOptions,
  ): Promise<unknown>;
  readRecords(
    topic: string,
    partition: number,
    offset: number,
    options?: { maxBytes?: number; isolationLevel?: IsolationLevel },
  ): Promise<{ records: StoredRecord[]; nextOffset: number; highWatermark: number }>;
  /** Throws `UnknownTopicError` / `UnknownPartitionError` for a topic or partition that does not exist. */
  offsets(topic: string, partition: number): PartitionOffsets | Promise<PartitionOffsets>;
  /**
   * The partition count of an existing topic. When the log offers it, an existing `__consumer_offsets` is read
   * with the partition count it was created with, whatever `offsets.topic.num.partitions` says now.
   */
  describeTopic?(name: string): { partitions: number } | Promise<{ partitions: number }>;
}

// ---------------------------------------------------------------------------------------------------------------
// Coordinator configuration

/** Broker-side group settings, with Kafka's names and defaults. */
export interface CoordinatorConfig {
  /** Sessions shorter than this are refused with INVALID_SESSION_TIMEOUT. Kafka: 6000. */
  'group.min.session.timeout.ms': number;
  /** Sessions longer than this are refused with INVALID_SESSION_TIMEOUT. Kafka: 1800000. */
  'group.max.session.timeout.ms': number;
  /**
   * How long the first rebalance of an empty group waits for more members. Kafka's default is 3000, but its
   * shipped server.properties sets 0 for development; sluice, embedded first, defaults to 0.
   */
  'group.initial.rebalance.delay.ms': number;
  /** Members per group; more are refused with GROUP_MAX_SIZE_REACHED. Kafka: unbounded (Int.MAX). */
  'group.max.size': number;
  /** How long offsets of an empty group are kept. Kafka: 10080 (7 days). */
  'offsets.retention.minutes': number;
  /** How often expired offsets are looked for. Kafka: 600000. */
  'offsets.retention.check.interval.ms': number;
  /** Longest metadata string a commit may carry. Kafka: 4096. */
  'offset.metadata.max.bytes': number;
  /** Partitions of `__consumer_offsets` when it is created. Kafka: 50. */
  'offsets.topic.num.partitions': number;
}

export interface CoordinatorOptions {
  log: CoordinatorLog;
  /** Defaults to real time. */
  scheduler?: Scheduler;
  config?: Partial<CoordinatorConfig>;
  /** Rebalances and member removals are reported at info. Default: pino at warn on stderr. */
  logger?: Logger;
}

// ---------------------------------------------------------------------------------------------------------------
// Requests and responses

export interface GroupProtocol {
  /** An assignor name: `range`, `roundrobin`, `cooperative-sticky`, ... */
  name: string;
  /** ConsumerProtocolSubscription bytes for protocol type `consumer`; opaque to the coordinator. */
  metadata: Buffer;
}

export interface JoinGroupRequest {
  groupId: string;
  /** `''` on the first join; the id the coordinator handed out on every later one. */
  memberId: string;
  /** Static membership (`group.instance.id`): a restart under the same id takes over without a rebalance. */
  groupInstanceId?: string | null;
  clientId: string;
  clientHost: string;
  sessionTimeoutMs: number;
  /** How long the coordinator waits for every member to rejoin during a rebalance. Defaults to the session timeout. */
  rebalanceTimeoutMs?: number;
  /** `consumer` for consumers; Connect uses `connect`. All members of a group must agree. */
  protocolType: string;
  /** In order of preference; the group picks the one every member supports that most members prefer. */
  protocols: GroupProtocol[];
  /**
   * JoinGroup v4+ (KIP-394): a first join (memberId `''`, no instance id) is refused with MEMBER_ID_REQUIRED
   * carrying the new id, and the member joins again with it. Older wire versions and the embedded client leave
   * it off and get their id in the response.
   */
  requireKnownMemberId?: boolean;
  /** JoinGroup v7+: the reason the client gives (logged). */
  reason?: string;
}

export interface JoinGroupMember {
  memberId: string;
  groupInstanceId: string | null;
  metadata: Buffer;
}

/** Resolves once the rebalance completes: every known member rejoined, or the rebalance timeout passed. */
export interface JoinGroupResponse {
  generationId: number;
  protocolType: string;
  protocolName: string;
  leaderId: string;
  memberId: string;
  /** Every member with its metadata for the chosen protocol, for the leader only; empty for the others. */
  members: JoinGroupMember[];
}

export interface SyncGroupRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId?: string | null;
  /** SyncGroup v5+: checked against the group's when given. */
  protocolType?: string | null;
  protocolName?: string | null;
  /** The leader's assignment of every member (ConsumerProtocolAssignment bytes); empty for followers. */
  assignments: { memberId: string; assignment: Buffer }[];
}

/** Resolves once the leader has sent the assignments of this generation. */
export interface SyncGroupResponse {
  protocolType: string;
  protocolName: string;
  /** This member's assignment; empty when the leader gave it nothing. */
  assignment: Buffer;
}

export interface HeartbeatRequest {
  groupId: string;
  generationId: number;
  memberId: string;
  groupInstanceId?: string | null;
}

export interface LeaveGroupRequest {
  groupId: string;
  /** LeaveGroup v3+ leaves several members at once; a static member may be named by its instance id alone. */
  members: { memberId: string; groupInstanceId?: string | null; reason?: string }[];
}

export interface LeaveGroupResponse {
  members: { memberId: string; groupInstanceId: string | null; error: SluiceError | null }[];
}

export interface TopicPartition {
  topic: string;
  partition: number;
}

export interface OffsetCommitPartition extends TopicPartition {
  /** The next offset to read (the last processed + 1), as in Kafka. */
  offset: number;
  metadata?: string | null;
  leaderEpoch?: number;
}

export interface OffsetCommitRequest {
  groupId: string;
  /** `-1` with memberId `''` for a simple (standalone) commit, allowed only when the group has no members. */
  generationId: number;
  memberId: string;
  groupInstanceId?: string | null;
  offsets: OffsetCommitPartition[];
  /**
   * Store an offset past the partition's end as given, as Kafka's OffsetCommit does (the broker's clients rely on
   * it). Without it such an offset fails with `OFFSET_OUT_OF_RANGE`, which catches mistakes in embedded use.
   */
  allowPastEnd?: boolean;
}

/** Offsets committed inside a transaction, for a group whose membership the coordinator may not manage. */
export interface TxnOffsetCommitRequest {
  groupId: string;
  producer: TransactionalProducer;
  offsets: OffsetCommitPartition[];
}

/**
 * Per-partition outcome of a commit. A fenced or rebalancing member rejects the whole request with a
 * `GroupError`; a partition that does not exist (`UNKNOWN_TOPIC_OR_PARTITION`), an offset beyond the partition's
 * end (`OFFSET_OUT_OF_RANGE`, unless `allowPastEnd`) or oversized metadata (`OFFSET_METADATA_TOO_LARGE`) fails
 * only that partition.
 */
export interface OffsetCommitResult extends TopicPartition {
  error: SluiceError | null;
}

export interface CommittedOffset extends TopicPartition {
  /** `-1` when the group has no committed offset for this partition. */
  offset: number;
  /** `-1` when unknown. */
  leaderEpoch: number;
  metadata: string | null;
  /** When it was committed; `-1` when there is no offset. */
  commitTimestamp: number;
}

export interface GroupListing {
  groupId: string;
  /** `''` for groups that only commit offsets (simple consumers). */
  protocolType: string;
  state: GroupState;
}

export interface MemberDescription {
  memberId: string;
  groupInstanceId: string | null;
  clientId: string;
  clientHost: string;
  /** The subscription in the chosen protocol; empty unless the group is Stable. */
  metadata: Buffer;
  /** The assignment of the current generation; empty unless the group is Stable. */
  assignment: Buffer;
}

/** A group as DescribeGroups reports it; an unknown group is `Dead` with no members (Kafka does the same). */
export interface GroupDescription {
  groupId: string;
  state: GroupState;
  protocolType: string;
  /** The chosen protocol (assignor) while the group is Stable, else `''` (as Kafka reports it). */
  protocolName: string;
  generationId: number;
  leaderId: string | null;
  members: MemberDescription[];
}

export interface DeleteGroupResult {
  groupId: string;
  /** `GROUP_ID_NOT_FOUND` or `NON_EMPTY_GROUP` as a GroupError; null when deleted. */
  error: SluiceError | null;
}

/**
 * The group coordinator. One instance owns every group of a log directory (all 50 partitions of
 * `__consumer_offsets`); it is safe to call from many consumers at once.
 */
export interface GroupCoordinator {
  /** Joins (or rejoins) a group; resolves when the rebalance completes. */
  joinGroup(request: JoinGroupRequest): Promise<JoinGroupResponse>;
  /** Hands in the leader's assignments, or waits for them; resolves with this member's assignment. */
  syncGroup(request: SyncGroupRequest): Promise<SyncGroupResponse>;
  /** Keeps the session alive; rejects with REBALANCE_IN_PROGRESS when the member must rejoin. */
  heartbeat(request: HeartbeatRequest): Promise<void>;
  /** Removes members at once (a clean leave), starting a rebalance for the others. */
  leaveGroup(request: LeaveGroupRequest): Promise<LeaveGroupResponse>;
  /** Stores offsets durably in `__consumer_offsets` before resolving. */
  commitOffsets(request: OffsetCommitRequest): Promise<OffsetCommitResult[]>;
  /**
   * Commits offsets inside producer `producer`'s open transaction (Kafka's TxnOffsetCommit): they are written as
   * transactional records and take effect only when {@link GroupCoordinator.endTransaction} reports the commit.
   * The per-partition checks of {@link GroupCoordinator.commitOffsets} apply.
   */
  commitTransactionalOffsets(request: TxnOffsetCommitRequest): Promise<OffsetCommitResult[]>;
  /** The producer's transaction was committed or aborted in the log: apply or drop its offsets. */
  endTransaction(producerId: number, committed: boolean): void;
  /**
   * Committed offsets of the given partitions (each `-1` when none, also for an unknown group, as Kafka), or of
   * every partition the group has committed when `partitions` is omitted.
   */
  fetchOffsets(groupId: string, partitions?: TopicPartition[]): Promise<CommittedOffset[]>;
  listGroups(): Promise<GroupListing[]>;
  describeGroups(groupIds: string[]): Promise<GroupDescription[]>;
  /** Deletes empty groups and their offsets (tombstones in `__consumer_offsets`). */
  deleteGroups(groupIds: string[]): Promise<DeleteGroupResult[]>;
  /** Deletes a group's offsets for some partitions (Kafka's OffsetDelete); the group must not consume them. */
  deleteOffsets(groupId: string, partitions: TopicPartition[]): Promise<OffsetCommitResult[]>;
  /**
   * Fails pending joins and syncs with COORDINATOR_NOT_AVAILABLE, stops every timer and waits for offset writes
   * in flight. The log stays open: its owner closes it afterwards.
   */
  close(): Promise<void>;
}

/**
 * Opens the coordinator of a log: creates `__consumer_offsets` (compacted, 50 partitions) when missing and
 * replays it, so committed offsets and groups survive restarts, before resolving.
 */
export type OpenGroupCoordinator = (options: CoordinatorOptions) => Promise<GroupCoordinator>;
