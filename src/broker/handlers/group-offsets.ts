import type { CommittedOffset, TopicPartition } from '../../group/index.js';
import type { BrokerContext } from '../broker-context.js';
import { errorCodeOf } from '../protocol/error-codes.js';
import { OffsetCommit, OffsetDelete, OffsetFetch } from '../protocol/messages/index.js';
import { coordinator } from './group-membership.js';
import { handler } from './handler.js';

/**
 * Commits a group's offsets. A fenced or rebalancing member fails the whole request, which Kafka reports as the
 * same error on every partition; other failures are per partition. Any offset is stored, including one past the
 * log end, as Kafka does: a client may commit the position it means to fetch from next.
 */
export const offsetCommit = handler(OffsetCommit, async (ctx, req) => {
  const offsets = req.topics.flatMap((t) =>
    t.partitions.map((p) => ({
      topic: t.name,
      partition: p.partitionIndex,
      offset: p.committedOffset,
      metadata: p.committedMetadata,
      leaderEpoch: p.committedLeaderEpoch,
    })),
  );
  const codes = new Map<string, number>();
  try {
    const results = await coordinator(ctx, req.groupId).commitOffsets({
      groupId: req.groupId,
      generationId: req.generationId,
      memberId: req.memberId,
      groupInstanceId: req.groupInstanceId,
      offsets,
      allowPastEnd: true,
    });
    for (const r of results) codes.set(`${r.topic}\0${r.partition}`, r.error ? errorCodeOf(r.error) : 0);
  } catch (err) {
    const code = errorCodeOf(err);
    for (const o of offsets) codes.set(`${o.topic}\0${o.partition}`, code);
  }
  return {
    topics: req.topics.map((t) => ({
      name: t.name,
      partitions: t.partitions.map((p) => ({
        partitionIndex: p.partitionIndex,
        errorCode: codes.get(`${t.name}\0${p.partitionIndex}`) ?? 0,
      })),
    })),
  };
});

function byTopic(offsets: CommittedOffset[]) {
  const topics = new Map<string, CommittedOffset[]>();
  for (const o of offsets) {
    const list = topics.get(o.topic) ?? [];
    list.push(o);
    topics.set(o.topic, list);
  }
  return [...topics].map(([name, list]) => ({
    name,
    partitions: list.map((o) => ({
      partitionIndex: o.partition,
      committedOffset: o.offset,
      committedLeaderEpoch: o.leaderEpoch,
      metadata: o.metadata ?? '',
      errorCode: 0,
    })),
  }));
}

type TopicsAsked = { name: string; partitionIndexes: number[] }[] | null;

/** One group's committed offsets, or its error on every partition asked for. */
async function fetchGroup(
  ctx: BrokerContext,
  groupId: string,
  topics: TopicsAsked,
  partitionErrors: boolean,
) {
  const partitions: TopicPartition[] | undefined = topics?.flatMap((t) =>
    t.partitionIndexes.map((partition) => ({ topic: t.name, partition })),
  );
  try {
    const offsets = await coordinator(ctx, groupId).fetchOffsets(groupId, partitions);
    return { topics: byTopic(offsets), errorCode: 0 };
  } catch (err) {
    const code = errorCodeOf(err);
    const failed = (topics ?? []).map((t) => ({
      name: t.name,
      partitions: t.partitionIndexes.map((partitionIndex) => ({
        partitionIndex,
        committedOffset: -1,
        metadata: '',
        errorCode: partitionErrors ? code : 0,
      })),
    }));
    return { topics: failed, errorCode: code };
  }
}

/**
 * Committed offsets (-1 where none); a null topic list (v2+) asks for every partition the group committed. From
 * v8 one request asks for several groups, each answered with its own error code.
 */
export const offsetFetch = handler(OffsetFetch, async (ctx, req, info) => {
  if (info.apiVersion >= 8) {
    const groups = [];
    for (const g of req.groups)
      groups.push({ groupId: g.groupId, ...(await fetchGroup(ctx, g.groupId, g.topics, false)) });
    return { groups };
  }
  // v0–1 have no top-level error code: every partition carries it.
  return fetchGroup(ctx, req.groupId, req.topics, info.apiVersion < 2);
});

/**
 * Deletes a group's committed offsets (KIP-496). A topic the group's members still consume is refused with
 * GROUP_SUBSCRIBED_TO_TOPIC; an unknown group fails the whole request with GROUP_ID_NOT_FOUND.
 */
export const offsetDelete = handler(OffsetDelete, async (ctx, req) => {
  const partitions = req.topics.flatMap((t) =>
    t.partitions.map((p) => ({ topic: t.name, partition: p.partitionIndex })),
  );
  try {
    const results = await coordinator(ctx, req.groupId).deleteOffsets(req.groupId, partitions);
    const codes = new Map(
      results.map((r) => [`${r.topic}\0${r.partition}`, r.error ? errorCodeOf(r.error) : 0]),
    );
    return {
      errorCode: 0,
      topics: req.topics.map((t) => ({
        name: t.name,
        partitions: t.partitions.map((p) => ({
          partitionIndex: p.partitionIndex,
          errorCode: codes.get(`${t.name}\0${p.partitionIndex}`) ?? 0,
        })),
      })),
    };
  } catch (err) {
    return { errorCode: errorCodeOf(err), topics: [] };
  }
});
