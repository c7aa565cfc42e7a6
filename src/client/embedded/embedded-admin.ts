import { GroupError, OffsetOutOfRangeError, TopicExistsError, UnknownTopicError } from '../../errors.js';
import { decodeAssignment } from '../../group/index.js';
import type { TopicConfig } from '../../log/types.js';
import type {
  Admin,
  ConsumerGroupDescription,
  ConsumerGroupListing,
  NewTopic,
  OffsetResetPlanEntry,
  OffsetResetRequest,
  PartitionInfo,
  PartitionLag,
  TopicInfo,
} from '../admin.js';
import { planOffsetReset, type ResetPosition } from '../offset-reset-plan.js';
import type { TopicPartition } from '../records.js';
import type { ClientContext } from './client-context.js';
import { tpKey } from './partition-fetcher.js';

/** Topic and group administration straight on the process's log and coordinator. */
export class EmbeddedAdmin implements Admin {
  constructor(private readonly context: ClientContext) {}

  async createTopics(topics: NewTopic[]): Promise<void> {
    const log = this.context.log;
    for (const t of topics) if (log.hasTopic(t.name)) throw new TopicExistsError(t.name);
    for (const t of topics)
      await log.createTopic(t.name, { partitions: t.partitions ?? 1, config: t.config });
  }

  async deleteTopics(names: string[]): Promise<void> {
    for (const name of names) this.requireTopic(name);
    for (const name of names) await this.context.log.deleteTopic(name);
  }

  async listTopics(): Promise<string[]> {
    return (await this.context.log.listTopics()).filter((t) => !t.startsWith('__')).sort();
  }

  async describeTopics(names: string[]): Promise<TopicInfo[]> {
    const out: TopicInfo[] = [];
    for (const name of names) {
      this.requireTopic(name);
      const { config } = await this.context.log.describeTopic(name);
      out.push({ name, partitions: await this.partitionOffsets(name), config });
    }
    return out;
  }

  async createPartitions(topic: string, total: number): Promise<void> {
    this.requireTopic(topic);
    await this.context.log.createPartitions(topic, total);
  }

  async alterTopicConfig(
    topic: string,
    set: Partial<TopicConfig>,
    unset: (keyof TopicConfig)[] = [],
  ): Promise<void> {
    this.requireTopic(topic);
    await this.context.log.alterTopicConfig(topic, set, unset);
  }

  async partitionOffsets(topic: string): Promise<PartitionInfo[]> {
    this.requireTopic(topic);
    const { partitions } = await this.context.log.describeTopic(topic);
    const out: PartitionInfo[] = [];
    for (let partition = 0; partition < partitions; partition++) {
      const { logStartOffset, highWatermark } = await this.context.log.offsets(topic, partition);
      out.push({ partition, logStartOffset, highWatermark });
    }
    return out;
  }

  async offsetsForTimestamp(
    topic: string,
    timestamp: number,
  ): Promise<{ partition: number; offset: number }[]> {
    this.requireTopic(topic);
    const { partitions } = await this.context.log.describeTopic(topic);
    const out: { partition: number; offset: number }[] = [];
    for (let partition = 0; partition < partitions; partition++) {
      out.push({ partition, offset: await this.offsetForTime(topic, partition, timestamp) });
    }
    return out;
  }

  async listGroups(): Promise<ConsumerGroupListing[]> {
    const groups = await (await this.context.coordinator()).listGroups();
    return groups.sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
  }

  async describeGroups(groupIds: string[]): Promise<ConsumerGroupDescription[]> {
    const coordinator = await this.context.coordinator();
    const out: ConsumerGroupDescription[] = [];
    for (const group of await coordinator.describeGroups(groupIds)) {
      const committed = (await coordinator.fetchOffsets(group.groupId)).filter((c) => c.offset >= 0);
      if (group.state === 'Dead' && committed.length === 0) throw unknownGroup(group.groupId);
      const owners = new Map<string, { tp: TopicPartition; memberId: string }>();
      const members = group.members.map((m) => {
        const assignment =
          group.protocolType === 'consumer' && m.assignment.length > 0
            ? decodeAssignment(m.assignment).partitions
            : [];
        for (const tp of assignment) owners.set(tpKey(tp.topic, tp.partition), { tp, memberId: m.memberId });
        return { memberId: m.memberId, clientId: m.clientId, clientHost: m.clientHost, assignment };
      });
      const rows = new Map<string, PartitionLag>();
      for (const c of committed) rows.set(tpKey(c.topic, c.partition), await this.lag(c, c.offset));
      for (const [key, { tp }] of owners) if (!rows.has(key)) rows.set(key, await this.lag(tp, -1));
      for (const [key, { memberId }] of owners) {
        const row = rows.get(key);
        if (row) row.memberId = memberId;
      }
      const offsets = [...rows.values()].sort((a, b) =>
        a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1,
      );
      out.push({
        groupId: group.groupId,
        state: group.state,
        protocolType: group.protocolType,
        protocol: group.protocolName,
        members,
        offsets,
      });
    }
    return out;
  }

  async resetOffsets(request: OffsetResetRequest): Promise<OffsetResetPlanEntry[]> {
    const coordinator = await this.context.coordinator();
    const [group] = await coordinator.describeGroups([request.groupId]);
    if (group && group.members.length > 0) {
      throw new GroupError(
        'NON_EMPTY_GROUP',
        request.groupId,
        `has ${group.members.length} active member${group.members.length === 1 ? '' : 's'}; stop its consumers before resetting offsets`,
      );
    }
    const committed = await coordinator.fetchOffsets(request.groupId);
    const current = new Map(
      committed.filter((c) => c.offset >= 0).map((c) => [tpKey(c.topic, c.partition), c.offset]),
    );
    let partitions: TopicPartition[];
    if (request.topics) {
      partitions = [];
      for (const entry of request.topics) {
        const topic = typeof entry === 'string' ? entry : entry.topic;
        this.requireTopic(topic);
        const count = (await this.context.log.describeTopic(topic)).partitions;
        const list = typeof entry === 'string' ? [...Array(count).keys()] : entry.partitions;
        for (const partition of list) partitions.push({ topic, partition });
      }
    } else {
      if (current.size === 0 && group?.state === 'Dead') throw unknownGroup(request.groupId);
      partitions = committed.filter((c) => c.offset >= 0 && this.context.log.hasTopic(c.topic));
    }
    const positions: ResetPosition[] = [];
    for (const { topic, partition } of partitions) {
      const { logStartOffset, highWatermark } = await this.context.log.offsets(topic, partition);
      const now = current.get(tpKey(topic, partition)) ?? -1;
      positions.push({ topic, partition, current: now, logStartOffset, endOffset: highWatermark });
    }
    const plan = await planOffsetReset(positions, request.target, (t, p, ts) => this.offsetForTime(t, p, ts));
    if (!request.dryRun && plan.length > 0) {
      const results = await coordinator.commitOffsets({
        groupId: request.groupId,
        generationId: -1,
        memberId: '',
        offsets: plan.map(({ topic, partition, target }) => ({ topic, partition, offset: target })),
      });
      const failed = results.find((r) => r.error);
      if (failed?.error) throw failed.error;
    }
    return plan;
  }

  async deleteGroups(groupIds: string[]): Promise<void> {
    const results = await (await this.context.coordinator()).deleteGroups(groupIds);
    const failed = results.find((r) => r.error);
    if (failed?.error) throw failed.error;
  }

  async deleteRecords(
    topic: string,
    partitions: { partition: number; before: number }[],
  ): Promise<{ partition: number; logStartOffset: number }[]> {
    this.requireTopic(topic);
    const log = this.context.log;
    const out: { partition: number; logStartOffset: number }[] = [];
    for (const { partition, before } of partitions) {
      const { logStartOffset, highWatermark } = await log.offsets(topic, partition);
      const upTo = before === -1 ? highWatermark : before;
      if (!Number.isSafeInteger(upTo) || upTo < 0 || upTo > highWatermark) {
        throw new OffsetOutOfRangeError(topic, partition, before, logStartOffset, highWatermark);
      }
      await log.deleteRecords(topic, partition, upTo);
      out.push({ partition, logStartOffset: (await log.offsets(topic, partition)).logStartOffset });
    }
    return out;
  }

  async close(): Promise<void> {}

  /** The first offset at or after `timestamp`, or the end offset when no record is that new (as Kafka's tool). */
  private async offsetForTime(topic: string, partition: number, timestamp: number): Promise<number> {
    const found = await this.context.log.offsetForTime(topic, partition, timestamp);
    return found ?? (await this.context.log.offsets(topic, partition)).highWatermark;
  }

  private async lag(tp: TopicPartition, committed: number): Promise<PartitionLag> {
    const { logStartOffset, highWatermark } = this.context.log.hasTopic(tp.topic)
      ? await this.context.log.offsets(tp.topic, tp.partition)
      : { logStartOffset: 0, highWatermark: 0 };
    const from = committed >= 0 ? committed : logStartOffset;
    return {
      topic: tp.topic,
      partition: tp.partition,
      committed,
      logStartOffset,
      endOffset: highWatermark,
      lag: Math.max(0, highWatermark - from),
    };
  }

  private requireTopic(name: string): void {
    if (!this.context.log.hasTopic(name))
      throw new UnknownTopicError(name, 'list topics with `sluice topics list`');
  }
}

function unknownGroup(groupId: string): GroupError {
  return new GroupError(
    'GROUP_ID_NOT_FOUND',
    groupId,
    'does not exist; list groups with `sluice groups list`',
  );
}
