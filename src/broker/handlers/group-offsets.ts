import type { CommittedOffset } from '../../group/index.js';
import { errorCodeOf } from '../protocol/error-codes.js';
import { OffsetCommit, OffsetFetch } from '../protocol/messages/index.js';
import { coordinator } from './group-membership.js';
import { handler } from './handler.js';

/**
 * Commits a group's offsets. A fenced or rebalancing member fails the whole request, which Kafka reports as the
 * same error on every partition; other failures are per partition.
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

/** Committed offsets (-1 where none); a null topic list (v2+) asks for every partition the group committed. */
export const offsetFetch = handler(OffsetFetch, async (ctx, req, info) => {
  const partitions = req.topics?.flatMap((t) =>
    t.partitionIndexes.map((partition) => ({ topic: t.name, partition })),
  );
  try {
    const offsets = await coordinator(ctx, req.groupId).fetchOffsets(req.groupId, partitions);
    return { topics: byTopic(offsets), errorCode: 0 };
  } catch (err) {
    const code = errorCodeOf(err);
    // v0–1 have no top-level error code: every partition carries it.
    const topics = (req.topics ?? []).map((t) => ({
      name: t.name,
      partitions: t.partitionIndexes.map((partitionIndex) => ({
        partitionIndex,
        committedOffset: -1,
        metadata: '',
        errorCode: info.apiVersion < 2 ? code : 0,
      })),
    }));
    return { topics, errorCode: code };
  }
});
