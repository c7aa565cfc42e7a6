import pino, { type Logger } from 'pino';
import { GroupError, OffsetOutOfRangeError, type SluiceError } from '../errors.js';
import { parseCoordinatorConfig } from './coordinator-config.js';
import { Group } from './group.js';
import { coordinatorNotAvailable, rebalanceInProgress, unknownMember } from './group-errors.js';
import { GroupMembership } from './group-membership.js';
import { GroupRebalancer } from './group-rebalancer.js';
import { expireOffsets } from './offset-expiry.js';
import { OffsetStore, type StoredOffset } from './offset-store.js';
import { type GroupMetadataValue, OFFSETS_TOPIC } from './offsets-topic-records.js';
import { systemScheduler } from './scheduler.js';
import type {
  CommittedOffset,
  CoordinatorConfig,
  CoordinatorLog,
  CoordinatorOptions,
  DeleteGroupResult,
  GroupCoordinator,
  GroupDescription,
  GroupListing,
  HeartbeatRequest,
  JoinGroupRequest,
  JoinGroupResponse,
  LeaveGroupRequest,
  LeaveGroupResponse,
  OffsetCommitRequest,
  OffsetCommitResult,
  Scheduler,
  SyncGroupRequest,
  SyncGroupResponse,
  TimerHandle,
  TopicPartition,
  TxnOffsetCommitRequest,
} from './types.js';

/**
 * Opens the coordinator of a log: creates `__consumer_offsets` when missing and replays it, so committed offsets
 * and groups survive restarts. Groups come back Empty with their generation: members of a previous run are
 * gone, and a client that still holds an old member id gets UNKNOWN_MEMBER_ID and rejoins.
 */
export async function openGroupCoordinator(options: CoordinatorOptions): Promise<GroupCoordinator> {
  const config = parseCoordinatorConfig(options.config);
  const scheduler = options.scheduler ?? systemScheduler;
  const logger = options.logger ?? pino({ name: 'sluice-group', level: 'warn' }, pino.destination(2));
  const { store, loaded } = await OffsetStore.open(
    options.log,
    config['offsets.topic.num.partitions'],
    logger,
  );
  return new Coordinator(options.log, scheduler, config, logger, store, loaded.groups);
}

class Coordinator implements GroupCoordinator {
  private readonly groups = new Map<string, Group>();
  private readonly membership: GroupMembership;
  private readonly rebalancer: GroupRebalancer;
  private expiryTimer: TimerHandle | null = null;
  private closed = false;

  constructor(
    private readonly log: CoordinatorLog,
    readonly scheduler: Scheduler,
    readonly config: CoordinatorConfig,
    private readonly logger: Logger,
    private readonly store: OffsetStore,
    loaded: Map<string, GroupMetadataValue>,
  ) {
    const host = { scheduler, config, logger, storeGroup: (g: Group) => this.storeGroup(g) };
    this.rebalancer = new GroupRebalancer(host);
    this.membership = new GroupMembership(host, this.rebalancer);
    for (const [groupId, value] of loaded) {
      const group = new Group(
        groupId,
        value.currentStateTimestamp >= 0 ? value.currentStateTimestamp : scheduler.now(),
      );
      group.generationId = value.generation;
      group.protocolType = value.protocolType;
      this.groups.set(groupId, group);
    }
    for (const groupId of store.groupIds()) {
      if (!this.groups.has(groupId)) this.groups.set(groupId, new Group(groupId, scheduler.now()));
    }
    logger.info({ groups: this.groups.size }, `loaded ${OFFSETS_TOPIC}`);
    this.scheduleExpiry();
  }

  async joinGroup(request: JoinGroupRequest): Promise<JoinGroupResponse> {
    this.checkOpen(request.groupId);
    const min = this.config['group.min.session.timeout.ms'];
    const max = this.config['group.max.session.timeout.ms'];
    if (request.sessionTimeoutMs < min || request.sessionTimeoutMs > max) {
      throw new GroupError(
        'INVALID_SESSION_TIMEOUT',
        request.groupId,
        `session.timeout.ms=${request.sessionTimeoutMs} is outside the coordinator's range ${min}..${max} (group.min/max.session.timeout.ms)`,
      );
    }
    let group = this.groups.get(request.groupId);
    if (!group) {
      if (request.memberId !== '') throw unknownMember(request.groupId, request.memberId);
      group = new Group(request.groupId, this.scheduler.now());
      this.groups.set(request.groupId, group);
    }
    return this.membership.join(group, request);
  }

  async syncGroup(request: SyncGroupRequest): Promise<SyncGroupResponse> {
    return this.membership.sync(this.memberGroup(request.groupId, request.memberId), request);
  }

  async heartbeat(request: HeartbeatRequest): Promise<void> {
    this.membership.heartbeat(this.memberGroup(request.groupId, request.memberId), request);
  }

  async leaveGroup(request: LeaveGroupRequest): Promise<LeaveGroupResponse> {
    const first = request.members[0]?.memberId ?? '';
    return this.membership.leave(this.memberGroup(request.groupId, first), request);
  }

  /** The group a member request addresses; an unknown group means the member is unknown too (as Kafka). */
  private memberGroup(groupId: string, memberId: string): Group {
    this.checkOpen(groupId);
    const group = this.groups.get(groupId);
    if (!group || group.state === 'Dead') throw unknownMember(groupId, memberId);
    return group;
  }

  async commitOffsets(request: OffsetCommitRequest): Promise<OffsetCommitResult[]> {
    const { groupId } = request;
    this.checkOpen(groupId);
    let group = this.groups.get(groupId);
    if (request.generationId < 0 && (!group || group.state === 'Empty')) {
      // A simple commit: the group does not use the coordinator for membership.
      if (!group) this.groups.set(groupId, (group = new Group(groupId, this.scheduler.now())));
    } else {
      if (!group) throw unknownMember(groupId, request.memberId);
      if (group.state === 'CompletingRebalance' && group.members.has(request.memberId)) {
        throw rebalanceInProgress(groupId);
      }
      const member = this.membership.validMember(group, request);
      this.rebalancer.heartbeatReceived(group, member);
    }
    const results: OffsetCommitResult[] = [];
    const accepted: StoredOffset[] = [];
    const now = this.scheduler.now();
    for (const o of request.offsets) {
      const error = await this.checkCommit(
        groupId,
        o.topic,
        o.partition,
        o.offset,
        o.metadata ?? '',
        request.allowPastEnd ?? false,
      );
      results.push({ topic: o.topic, partition: o.partition, error });
      if (error) continue;
      const value = {
        offset: o.offset,
        leaderEpoch: o.leaderEpoch ?? -1,
        metadata: o.metadata ?? '',
        commitTimestamp: now,
      };
      accepted.push({ topic: o.topic, partition: o.partition, value });
    }
    try {
      await this.store.commit(groupId, accepted);
    } catch (cause) {
      const error = coordinatorNotAvailable(groupId, `storing offsets failed (${String(cause)})`);
      for (const r of results) r.error ??= error;
    }
    return results;
  }

  async commitTransactionalOffsets(request: TxnOffsetCommitRequest): Promise<OffsetCommitResult[]> {
    const { groupId } = request;
    this.checkOpen(groupId);
    const results: OffsetCommitResult[] = [];
    const accepted: StoredOffset[] = [];
    const now = this.scheduler.now();
    for (const o of request.offsets) {
      const error = await this.checkCommit(groupId, o.topic, o.partition, o.offset, o.metadata ?? '');
      results.push({ topic: o.topic, partition: o.partition, error });
      if (error) continue;
      const value = { offset: o.offset, leaderEpoch: -1, metadata: o.metadata ?? '', commitTimestamp: now };
      accepted.push({ topic: o.topic, partition: o.partition, value });
    }
    await this.store.commitTransactional(groupId, request.producer, accepted);
    return results;
  }

  endTransaction(producerId: number, committed: boolean): void {
    this.store.endTransaction(producerId, committed);
  }

  /** The per-partition checks of a commit: metadata size, partition exists, offset within the log. */
  private async checkCommit(
    groupId: string,
    topic: string,
    partition: number,
    offset: number,
    metadata: string,
    allowPastEnd = false,
  ): Promise<SluiceError | null> {
    const limit = this.config['offset.metadata.max.bytes'];
    if (Buffer.byteLength(metadata) > limit) {
      return new GroupError(
        'OFFSET_METADATA_TOO_LARGE',
        groupId,
        `commit metadata for ${topic}-${partition} is ${Buffer.byteLength(metadata)} bytes; offset.metadata.max.bytes is ${limit}`,
      );
    }
    let end: { logStartOffset: number; highWatermark: number };
    try {
      end = await this.log.offsets(topic, partition);
    } catch (error) {
      return error as SluiceError;
    }
    if (offset < 0 || (offset > end.highWatermark && !allowPastEnd)) {
      return new OffsetOutOfRangeError(topic, partition, offset, 0, end.highWatermark);
    }
    return null;
  }

  async fetchOffsets(groupId: string, partitions?: TopicPartition[]): Promise<CommittedOffset[]> {
    this.checkOpen(groupId);
    if (!partitions) {
      return this.store.list(groupId).map((o) => ({ topic: o.topic, partition: o.partition, ...o.value }));
    }
    return partitions.map(({ topic, partition }) => {
      const v = this.store.get(groupId, topic, partition);
      return v
        ? { topic, partition, ...v }
        : { topic, partition, offset: -1, leaderEpoch: -1, metadata: null, commitTimestamp: -1 };
    });
  }

  async listGroups(): Promise<GroupListing[]> {
    return [...this.groups.values()]
      .filter((g) => g.state !== 'Dead')
      .map((g) => ({ groupId: g.groupId, protocolType: g.protocolType, state: g.state }))
      .sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
  }

  async describeGroups(groupIds: string[]): Promise<GroupDescription[]> {
    return groupIds.map((groupId) => {
      const g = this.groups.get(groupId);
      if (!g) {
        return {
          groupId,
          state: 'Dead',
          protocolType: '',
          protocolName: '',
          generationId: -1,
          leaderId: null,
          members: [],
        };
      }
      // As Kafka: the protocol, subscriptions and assignments are reported only for a Stable group.
      const settled = g.state === 'Stable';
      return {
        groupId,
        state: g.state,
        protocolType: g.protocolType,
        protocolName: settled ? (g.protocolName ?? '') : '',
        generationId: g.generationId,
        leaderId: g.leaderId,
        members: [...g.members.values()].map((m) => ({
          memberId: m.memberId,
          groupInstanceId: m.groupInstanceId,
          clientId: m.clientId,
          clientHost: m.clientHost,
          metadata: settled ? m.metadataFor(g.protocolName) : Buffer.alloc(0),
          assignment: settled ? m.assignment : Buffer.alloc(0),
        })),
      };
    });
  }

  async deleteGroups(groupIds: string[]): Promise<DeleteGroupResult[]> {
    if (this.closed) throw coordinatorNotAvailable(groupIds[0] ?? '', 'the coordinator is closed');
    const results: DeleteGroupResult[] = [];
    for (const groupId of groupIds) {
      const g = this.groups.get(groupId);
      let error: SluiceError | null = null;
      if (!g || g.state === 'Dead') {
        error = new GroupError(
          'GROUP_ID_NOT_FOUND',
          groupId,
          'no such group; `sluice groups list` shows the groups',
        );
      } else if (g.state !== 'Empty') {
        error = new GroupError(
          'NON_EMPTY_GROUP',
          groupId,
          `the group has ${g.members.size} active member(s); stop its consumers before deleting it`,
        );
      } else {
        try {
          await this.removeGroup(g);
        } catch (cause) {
          error = coordinatorNotAvailable(groupId, `writing tombstones failed (${String(cause)})`);
        }
      }
      results.push({ groupId, error });
    }
    return results;
  }

  async deleteOffsets(groupId: string, partitions: TopicPartition[]): Promise<OffsetCommitResult[]> {
    this.checkOpen(groupId);
    const g = this.groups.get(groupId);
    if (!g || g.state === 'Dead') {
      throw new GroupError(
        'GROUP_ID_NOT_FOUND',
        groupId,
        'no such group; `sluice groups list` shows the groups',
      );
    }
    const subscribed = g.subscribedTopics();
    const results = partitions.map(({ topic, partition }) => ({
      topic,
      partition,
      error: subscribed.has(topic)
        ? new GroupError(
            'GROUP_SUBSCRIBED_TO_TOPIC',
            groupId,
            `members still consume ${JSON.stringify(topic)}; stop them or reset the offset instead`,
          )
        : null,
    }));
    const removable = results.filter(
      (r) => r.error === null && this.store.get(groupId, r.topic, r.partition),
    );
    await this.store.remove(groupId, removable);
    return results;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    this.expiryTimer?.cancel();
    for (const g of this.groups.values()) {
      this.rebalancer.shutdown(g, coordinatorNotAvailable(g.groupId, 'the coordinator closed'));
    }
    await this.store.settle();
  }

  private checkOpen(groupId: string): void {
    if (this.closed) throw coordinatorNotAvailable(groupId, 'the coordinator is closed');
    if (groupId === '') throw new GroupError('INVALID_GROUP_ID', groupId, 'a group id must not be empty');
  }

  private async storeGroup(g: Group): Promise<void> {
    await this.store.storeGroup(g.groupId, {
      protocolType: g.protocolType,
      generation: g.generationId,
      protocol: g.protocolName,
      leader: g.leaderId,
      currentStateTimestamp: g.stateTimestamp,
      members: [...g.members.values()].map((m) => ({
        memberId: m.memberId,
        groupInstanceId: m.groupInstanceId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        rebalanceTimeoutMs: m.rebalanceTimeoutMs,
        sessionTimeoutMs: m.sessionTimeoutMs,
        subscription: m.metadataFor(g.protocolName),
        assignment: m.assignment,
      })),
    });
  }

  private async removeGroup(g: Group): Promise<void> {
    g.transition('Dead', this.scheduler.now());
    this.groups.delete(g.groupId);
    this.rebalancer.shutdown(g, coordinatorNotAvailable(g.groupId, 'the group was deleted'));
    await this.store.removeGroup(g.groupId);
  }

  private scheduleExpiry(): void {
    if (this.closed) return;
    this.expiryTimer = this.scheduler.setTimeout(async () => {
      try {
        await expireOffsets({
          groups: [...this.groups.values()],
          store: this.store,
          now: this.scheduler.now(),
          retentionMs: this.config['offsets.retention.minutes'] * 60_000,
          removeGroup: (g) => this.removeGroup(g),
        });
      } catch (err) {
        this.logger.warn({ err }, 'expiring committed offsets failed; the next check tries again');
      }
      this.scheduleExpiry();
    }, this.config['offsets.retention.check.interval.ms']);
  }
}
