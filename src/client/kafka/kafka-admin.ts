import type { Admin as KafkaJsAdmin } from 'kafkajs';
import { GroupError, OffsetOutOfRangeError, TopicExistsError, UnknownTopicError } from '../../errors.js';
import type { GroupState } from '../../group/types.js';
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
import type { KafkaContext } from './kafka-context.js';
import { kafkaCall } from './kafka-errors.js';
import { kafkajs } from './kafkajs.js';

// Topic config values travel as strings; these keys are numbers in sluice's TopicConfig.
const TEXT_KEYS = new Set(['cleanup.policy', 'message.timestamp.type']);

/** The admin over kafkajs's admin: topics, configs, groups with lag, offset resets and record deletion. */
export class KafkaAdmin implements Admin {
  constructor(private readonly context: KafkaContext) {}

  async listTopics(): Promise<string[]> {
    const admin = await this.context.admin();
    return (await kafkaCall({}, () => admin.listTopics())).filter((t) => !t.startsWith('__')).sort();
  }

  async createTopics(topics: NewTopic[]): Promise<void> {
    const admin = await this.context.admin();
    const existing = new Set(await kafkaCall({}, () => admin.listTopics()));
    for (const t of topics) if (existing.has(t.name)) throw new TopicExistsError(t.name);
    const created = await kafkaCall({ topic: topics[0]?.name }, () =>
      admin.createTopics({
        waitForLeaders: true,
        topics: topics.map((t) => ({
          topic: t.name,
          numPartitions: t.partitions ?? 1,
          configEntries: Object.entries(t.config ?? {}).map(([name, value]) => ({
            name,
            value: String(value),
          })),
        })),
      }),
    );
    // kafkajs answers false instead of failing when a topic appeared meanwhile.
    if (!created && topics.length > 0) throw new TopicExistsError(topics[0].name);
  }

  async deleteTopics(topics: string[]): Promise<void> {
    const admin = await this.context.admin();
    await kafkaCall({ topic: topics[0] }, () => admin.deleteTopics({ topics }));
  }

  async describeTopics(topics: string[]): Promise<TopicInfo[]> {
    const admin = await this.context.admin();
    const known = new Set(await kafkaCall({}, () => admin.listTopics()));
    for (const t of topics) if (!known.has(t)) throw new UnknownTopicError(t);
    const configs = await kafkaCall({ topic: topics[0] }, () =>
      admin.describeConfigs({
        includeSynonyms: false,
        resources: topics.map((name) => ({ type: kafkajs().ConfigResourceTypes.TOPIC, name })),
      }),
    );
    const out: TopicInfo[] = [];
    for (const name of topics) {
      const resource = configs.resources.find((r) => r.resourceName === name);
      const config: Record<string, string | number> = {};
      for (const entry of resource?.configEntries ?? []) {
        config[entry.configName] = TEXT_KEYS.has(entry.configName)
          ? entry.configValue
          : Number(entry.configValue);
      }
      out.push({
        name,
        partitions: await this.partitionOffsets(name),
        config: config as unknown as TopicConfig,
      });
    }
    return out;
  }

  async createPartitions(topic: string, total: number): Promise<void> {
    const admin = await this.context.admin();
    await kafkaCall({ topic }, () => admin.createPartitions({ topicPartitions: [{ topic, count: total }] }));
  }

  async alterTopicConfig(
    topic: string,
    set: Partial<TopicConfig>,
    unset: (keyof TopicConfig)[] = [],
  ): Promise<void> {
    // AlterConfigs replaces the whole set of overrides: keep the current ones that are neither set nor unset.
    const admin = await this.context.admin();
    const described = await kafkaCall({ topic }, () =>
      admin.describeConfigs({
        includeSynonyms: false,
        resources: [{ type: kafkajs().ConfigResourceTypes.TOPIC, name: topic }],
      }),
    );
    const overrides = new Map<string, string>();
    for (const e of described.resources[0]?.configEntries ?? [])
      if (!e.isDefault) overrides.set(e.configName, e.configValue);
    for (const [k, v] of Object.entries(set)) overrides.set(k, String(v));
    for (const k of unset) overrides.delete(k);
    await kafkaCall({ topic }, () =>
      admin.alterConfigs({
        validateOnly: false,
        resources: [
          {
            type: kafkajs().ConfigResourceTypes.TOPIC,
            name: topic,
            configEntries: [...overrides].map(([name, value]) => ({ name, value })),
          },
        ],
      }),
    );
  }

  async partitionOffsets(topic: string): Promise<PartitionInfo[]> {
    const admin = await this.context.admin();
    const offsets = await fetchTopicOffsets(admin, topic);
    return offsets
      .map((o) => ({ partition: o.partition, logStartOffset: Number(o.low), highWatermark: Number(o.high) }))
      .sort((a, b) => a.partition - b.partition);
  }

  async offsetsForTimestamp(
    topic: string,
    timestamp: number,
  ): Promise<{ partition: number; offset: number }[]> {
    const admin = await this.context.admin();
    const offsets = await kafkaCall({ topic }, () => admin.fetchTopicOffsetsByTimestamp(topic, timestamp));
    const ends = await this.partitionOffsets(topic);
    return offsets
      .map((o) => ({
        partition: o.partition,
        offset:
          Number(o.offset) < 0
            ? (ends.find((e) => e.partition === o.partition)?.highWatermark ?? 0)
            : Number(o.offset),
      }))
      .sort((a, b) => a.partition - b.partition);
  }

  async listGroups(): Promise<ConsumerGroupListing[]> {
    const admin = await this.context.admin();
    const { groups } = await kafkaCall({}, () => admin.listGroups());
    const described = await this.describeRaw(groups.map((g) => g.groupId));
    return groups
      .map((g) => ({
        groupId: g.groupId,
        protocolType: g.protocolType,
        state: (described.find((d) => d.groupId === g.groupId)?.state ?? 'Empty') as GroupState,
      }))
      .sort((a, b) => (a.groupId < b.groupId ? -1 : a.groupId > b.groupId ? 1 : 0));
  }

  async describeGroups(groupIds: string[]): Promise<ConsumerGroupDescription[]> {
    const groups = await this.describeRaw(groupIds);
    const out: ConsumerGroupDescription[] = [];
    for (const g of groups) {
      if (g.state === 'Dead') throw new GroupError('GROUP_ID_NOT_FOUND', g.groupId, 'no such group');
      const members = g.members.map((m) => ({
        memberId: m.memberId,
        clientId: m.clientId,
        clientHost: m.clientHost,
        assignment: decodeAssignment(m.memberAssignment),
      }));
      const owner = new Map<string, string>();
      for (const m of members)
        for (const tp of m.assignment) owner.set(`${tp.topic}\0${tp.partition}`, m.memberId);
      const committed = await this.committedOffsets(g.groupId);
      for (const m of members) {
        for (const tp of m.assignment) {
          if (!committed.some((c) => c.topic === tp.topic && c.partition === tp.partition)) {
            committed.push({ ...tp, offset: -1 });
          }
        }
      }
      const offsets: PartitionLag[] = [];
      const ends = new Map<string, PartitionInfo[]>();
      for (const c of committed) {
        if (!ends.has(c.topic)) ends.set(c.topic, await this.partitionOffsets(c.topic).catch(() => []));
        const p = ends.get(c.topic)?.find((e) => e.partition === c.partition);
        const logStartOffset = p?.logStartOffset ?? 0;
        const endOffset = p?.highWatermark ?? 0;
        const memberId = owner.get(`${c.topic}\0${c.partition}`);
        offsets.push({
          topic: c.topic,
          partition: c.partition,
          committed: c.offset,
          logStartOffset,
          endOffset,
          lag: endOffset - (c.offset >= 0 ? c.offset : logStartOffset),
          ...(memberId === undefined ? {} : { memberId }),
        });
      }
      offsets.sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
      out.push({
        groupId: g.groupId,
        state: g.state as GroupState,
        protocolType: g.protocolType,
        protocol: g.protocol,
        members,
        offsets,
      });
    }
    return out;
  }

  async resetOffsets(request: OffsetResetRequest): Promise<OffsetResetPlanEntry[]> {
    const [group] = await this.describeRaw([request.groupId]);
    if (group && group.state !== 'Empty' && group.state !== 'Dead') {
      throw new GroupError(
        'NON_EMPTY_GROUP',
        request.groupId,
        `it has ${group.members.length} active member(s); stop its consumers before resetting offsets`,
      );
    }
    const committed = await this.committedOffsets(request.groupId);
    const wanted: TopicPartition[] = [];
    if (request.topics === undefined) wanted.push(...committed);
    for (const entry of request.topics ?? []) {
      if (typeof entry === 'string') {
        for (const p of await this.partitionOffsets(entry))
          wanted.push({ topic: entry, partition: p.partition });
      } else for (const partition of entry.partitions) wanted.push({ topic: entry.topic, partition });
    }
    const positions: ResetPosition[] = [];
    for (const tp of wanted) {
      const p = (await this.partitionOffsets(tp.topic)).find((x) => x.partition === tp.partition);
      const current =
        committed.find((c) => c.topic === tp.topic && c.partition === tp.partition)?.offset ?? -1;
      positions.push({
        ...tp,
        current,
        logStartOffset: p?.logStartOffset ?? 0,
        endOffset: p?.highWatermark ?? 0,
      });
    }
    const plan = await planOffsetReset(positions, request.target, async (topic, partition, timestamp) => {
      const found = await this.offsetsForTimestamp(topic, timestamp);
      return found.find((f) => f.partition === partition)?.offset ?? 0;
    });
    if (request.dryRun) return plan;
    const admin = await this.context.admin();
    for (const topic of new Set(plan.map((p) => p.topic))) {
      const partitions = plan
        .filter((p) => p.topic === topic)
        .map((p) => ({ partition: p.partition, offset: String(p.target) }));
      await kafkaCall({ topic, groupId: request.groupId }, () =>
        admin.setOffsets({ groupId: request.groupId, topic, partitions }),
      );
    }
    return plan;
  }

  async deleteGroups(groupIds: string[]): Promise<void> {
    const admin = await this.context.admin();
    await kafkaCall({ groupId: groupIds[0] }, () => admin.deleteGroups(groupIds));
  }

  async deleteRecords(
    topic: string,
    partitions: { partition: number; before: number }[],
  ): Promise<{ partition: number; logStartOffset: number }[]> {
    const ends = await this.partitionOffsets(topic);
    for (const p of partitions) {
      const end = ends.find((e) => e.partition === p.partition);
      if (end && p.before > end.highWatermark) {
        throw new OffsetOutOfRangeError(topic, p.partition, p.before, end.logStartOffset, end.highWatermark);
      }
    }
    const admin = await this.context.admin();
    await kafkaCall({ topic }, () =>
      admin.deleteTopicRecords({
        topic,
        partitions: partitions.map((p) => ({ partition: p.partition, offset: String(p.before) })),
      }),
    );
    const after = await this.partitionOffsets(topic);
    return partitions.map((p) => ({
      partition: p.partition,
      logStartOffset: after.find((a) => a.partition === p.partition)?.logStartOffset ?? p.before,
    }));
  }

  async close(): Promise<void> {
    // The kafkajs admin belongs to the client and closes with it.
  }

  /** The group's committed offsets over every topic (kafkajs asks per topic, so the topics come from ListTopics). */
  async committedOffsets(
    groupId: string,
    topics?: string[],
  ): Promise<{ topic: string; partition: number; offset: number }[]> {
    const admin = await this.context.admin();
    const all = topics ?? (await kafkaCall({}, () => admin.listTopics())).filter((t) => !t.startsWith('__'));
    if (all.length === 0) return [];
    const fetched = await kafkaCall({ groupId }, () => admin.fetchOffsets({ groupId, topics: all }));
    return fetched
      .flatMap((t) =>
        t.partitions.map((p) => ({ topic: t.topic, partition: p.partition, offset: Number(p.offset) })),
      )
      .filter((c) => topics !== undefined || c.offset >= 0);
  }

  private async describeRaw(groupIds: string[]) {
    if (groupIds.length === 0) return [];
    const admin = await this.context.admin();
    const { groups } = await kafkaCall({ groupId: groupIds[0] }, () => admin.describeGroups(groupIds));
    return groups;
  }
}

function decodeAssignment(data: Buffer): TopicPartition[] {
  if (!data || data.length === 0) return [];
  const decoded = kafkajs().AssignerProtocol.MemberAssignment.decode(data);
  if (!decoded) return [];
  return Object.entries(decoded.assignment)
    .flatMap(([topic, partitions]) => partitions.map((partition) => ({ topic, partition })))
    .sort((a, b) => (a.topic === b.topic ? a.partition - b.partition : a.topic < b.topic ? -1 : 1));
}

/**
 * kafkajs's `fetchTopicOffsets`, retried when kafkajs's metadata cache misses the topic. Concurrent calls for
 * different topics race: a metadata refresh asked for before this topic was added can land last and replace the
 * cache without it, and kafkajs then fails with a TypeError instead of fetching. A fresh metadata request for
 * the topic puts it back.
 */
async function fetchTopicOffsets(
  admin: KafkaJsAdmin,
  topic: string,
): Promise<Awaited<ReturnType<KafkaJsAdmin['fetchTopicOffsets']>>> {
  for (let attempt = 1; ; attempt++) {
    try {
      return await kafkaCall({ topic }, () => admin.fetchTopicOffsets(topic));
    } catch (error) {
      if (attempt >= 8 || !causedByTypeError(error)) throw error;
      // Another caller's refresh may land again: wait a little longer each time before asking once more.
      await new Promise((resolve) => setTimeout(resolve, 25 * attempt));
      await kafkaCall({ topic }, () => admin.fetchTopicMetadata({ topics: [topic] }));
    }
  }
}

/** True when a TypeError is in `error`'s cause chain: kafkajs wraps it in one of its own errors, or does not. */
function causedByTypeError(error: unknown): boolean {
  let e: unknown = (error as { cause?: unknown }).cause;
  for (let depth = 0; e !== undefined && e !== null && depth < 5; depth++) {
    if (e instanceof TypeError) return true;
    e = (e as { cause?: unknown }).cause;
  }
  return false;
}
