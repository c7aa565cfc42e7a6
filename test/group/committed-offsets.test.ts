import { describe, expect, it } from 'vitest';
import {
  groupPartition,
  ManualScheduler,
  OFFSETS_TOPIC,
  openGroupCoordinator,
} from '../../src/group/index.js';
import { harness, joinRequest } from './helpers.js';
import { MemoryLog } from './memory-log.js';

const G = 'billing';
const simple = (offsets: { topic: string; partition: number; offset: number; metadata?: string }[]) => ({
  groupId: G,
  generationId: -1,
  memberId: '',
  offsets,
});

describe('group › coordinator › commit and fetch', () => {
  it('stores a simple commit and fetches it back, -1 where nothing was committed', async () => {
    const h = await harness();
    const results = await h.coordinator.commitOffsets(
      simple([{ topic: 't', partition: 1, offset: 40, metadata: 'x' }]),
    );
    expect(results).toEqual([{ topic: 't', partition: 1, error: null }]);
    const fetched = await h.coordinator.fetchOffsets(G, [
      { topic: 't', partition: 1 },
      { topic: 't', partition: 2 },
    ]);
    expect(fetched).toEqual([
      {
        topic: 't',
        partition: 1,
        offset: 40,
        leaderEpoch: -1,
        metadata: 'x',
        commitTimestamp: h.scheduler.now(),
      },
      { topic: 't', partition: 2, offset: -1, leaderEpoch: -1, metadata: null, commitTimestamp: -1 },
    ]);
    expect(await h.coordinator.fetchOffsets('no-such-group')).toEqual([]);
    expect((await h.coordinator.listGroups()).map((g) => g.groupId)).toEqual([G]);
  });

  it('refuses, per partition, an offset beyond the end, a missing partition and oversized metadata', async () => {
    const h = await harness({ 'offset.metadata.max.bytes': 8 });
    const results = await h.coordinator.commitOffsets(
      simple([
        { topic: 't', partition: 0, offset: 100 },
        { topic: 't', partition: 1, offset: 101 },
        { topic: 't', partition: 9, offset: 1 },
        { topic: 'missing', partition: 0, offset: 1 },
        { topic: 't', partition: 2, offset: 1, metadata: 'more than eight bytes' },
      ]),
    );
    expect(results.map((r) => r.error?.code ?? null)).toEqual([
      null,
      'OFFSET_OUT_OF_RANGE',
      'UNKNOWN_TOPIC_OR_PARTITION',
      'UNKNOWN_TOPIC_OR_PARTITION',
      'OFFSET_METADATA_TOO_LARGE',
    ]);
    expect(results[1].error?.message).toMatch(/offset 101 is out of range for t-1/);
    const fetched = await h.coordinator.fetchOffsets(G);
    expect(fetched.map((o) => [o.partition, o.offset])).toEqual([[0, 100]]);
  });

  it('refuses a simple commit while the group has members', async () => {
    const h = await harness();
    await h.coordinator.joinGroup(joinRequest(G));
    await expect(
      h.coordinator.commitOffsets(simple([{ topic: 't', partition: 0, offset: 1 }])),
    ).rejects.toMatchObject({
      code: 'UNKNOWN_MEMBER_ID',
    });
  });

  it('reports a log that refuses the write on every partition, retriably', async () => {
    const h = await harness();
    h.log.failAppends = true;
    const [result] = await h.coordinator.commitOffsets(simple([{ topic: 't', partition: 0, offset: 1 }]));
    expect(result.error).toMatchObject({ code: 'COORDINATOR_NOT_AVAILABLE', retriable: true });
    h.log.failAppends = false;
    expect((await h.coordinator.fetchOffsets(G, [{ topic: 't', partition: 0 }]))[0].offset).toBe(-1);
  });

  it("writes the commit to the group's partition of __consumer_offsets", async () => {
    const h = await harness();
    await h.coordinator.commitOffsets(simple([{ topic: 't', partition: 0, offset: 3 }]));
    const partitions = h.log.topics.get(OFFSETS_TOPIC)!;
    expect(partitions).toHaveLength(50);
    const written = partitions.flatMap((records, p) => records.map(() => p));
    expect(written).toEqual([Math.abs(javaHash(G)) % 50]);
  });
});

describe('group › coordinator › restart', () => {
  it('reloads offsets and groups from the log, generation included', async () => {
    const h = await harness();
    const joined = await h.coordinator.joinGroup(joinRequest(G));
    await h.coordinator.syncGroup({
      groupId: G,
      generationId: 1,
      memberId: joined.memberId,
      assignments: [],
    });
    for (let i = 0; i < 10; i++) {
      await h.coordinator.commitOffsets({
        groupId: G,
        generationId: 1,
        memberId: joined.memberId,
        offsets: [
          { topic: 't', partition: 0, offset: i * 10 },
          { topic: 't', partition: 3, offset: i, leaderEpoch: 2 },
        ],
      });
    }
    await h.coordinator.commitOffsets({
      ...simple([{ topic: 't', partition: 1, offset: 5 }]),
      groupId: 'other',
    });
    await h.coordinator.close();

    const reopened = await openGroupCoordinator({ log: h.log, scheduler: new ManualScheduler() });
    const fetched = await reopened.fetchOffsets(G);
    expect(fetched.map((o) => [o.partition, o.offset, o.leaderEpoch])).toEqual([
      [0, 90, -1],
      [3, 9, 2],
    ]);
    expect(await reopened.listGroups()).toEqual([
      { groupId: G, protocolType: 'consumer', state: 'Empty' },
      { groupId: 'other', protocolType: '', state: 'Empty' },
    ]);
    const [described] = await reopened.describeGroups([G]);
    expect(described.generationId).toBe(1);
    await expect(
      reopened.heartbeat({ groupId: G, generationId: 1, memberId: joined.memberId }),
    ).rejects.toMatchObject({ code: 'UNKNOWN_MEMBER_ID' });
    const rejoined = await reopened.joinGroup(joinRequest(G));
    expect(rejoined.generationId).toBe(2);
    await reopened.close();
  });
});

describe('group › coordinator › an existing __consumer_offsets', () => {
  it('keeps the partition count it was created with', async () => {
    const log = new MemoryLog();
    log.fill('t', 4, 100);
    await log.createTopic(OFFSETS_TOPIC, { partitions: 5 });
    const coordinator = await openGroupCoordinator({ log, scheduler: new ManualScheduler() });
    await coordinator.commitOffsets(simple([{ topic: 't', partition: 0, offset: 9 }]));
    const written = log.topics.get(OFFSETS_TOPIC)!.flatMap((records, p) => records.map(() => p));
    expect(written).toEqual([groupPartition(G, 5)]);
    await coordinator.close();
    const reopened = await openGroupCoordinator({ log, scheduler: new ManualScheduler() });
    expect((await reopened.fetchOffsets(G)).map((o) => o.offset)).toEqual([9]);
    await reopened.close();
  });
});

describe('group › coordinator › delete and expire', () => {
  it('deletes only empty groups, and the deletion survives a restart', async () => {
    const h = await harness();
    await h.coordinator.commitOffsets(simple([{ topic: 't', partition: 0, offset: 3 }]));
    const busy = await h.coordinator.joinGroup(joinRequest('busy'));
    await h.coordinator.syncGroup({
      groupId: 'busy',
      generationId: 1,
      memberId: busy.memberId,
      assignments: [],
    });
    const results = await h.coordinator.deleteGroups([G, 'busy', 'ghost']);
    expect(results.map((r) => [r.groupId, r.error?.code ?? null])).toEqual([
      [G, null],
      ['busy', 'NON_EMPTY_GROUP'],
      ['ghost', 'GROUP_ID_NOT_FOUND'],
    ]);
    expect(await h.coordinator.fetchOffsets(G)).toEqual([]);
    await h.coordinator.close();
    const reopened = await openGroupCoordinator({ log: h.log, scheduler: new ManualScheduler() });
    expect((await reopened.listGroups()).map((g) => g.groupId)).toEqual(['busy']);
    expect(await reopened.fetchOffsets(G)).toEqual([]);
    await reopened.close();
  });

  it('deletes single offsets unless members still consume the topic', async () => {
    const h = await harness();
    await h.coordinator.commitOffsets(
      simple([
        { topic: 't', partition: 0, offset: 3 },
        { topic: 't', partition: 1, offset: 4 },
      ]),
    );
    const results = await h.coordinator.deleteOffsets(G, [{ topic: 't', partition: 0 }]);
    expect(results).toEqual([{ topic: 't', partition: 0, error: null }]);
    expect((await h.coordinator.fetchOffsets(G)).map((o) => o.partition)).toEqual([1]);
    await h.coordinator.joinGroup(joinRequest('busy'));
    const [busy] = await h.coordinator.deleteOffsets('busy', [{ topic: 't', partition: 0 }]);
    expect(busy.error?.code).toBe('GROUP_SUBSCRIBED_TO_TOPIC');
    await expect(h.coordinator.deleteOffsets('ghost', [])).rejects.toMatchObject({
      code: 'GROUP_ID_NOT_FOUND',
    });
  });

  it('expires the offsets of a group empty for offsets.retention.minutes, with tombstones', async () => {
    const h = await harness({
      'offsets.retention.minutes': 60,
      'offsets.retention.check.interval.ms': 60_000,
    });
    const joined = await h.coordinator.joinGroup(joinRequest(G, '', { sessionTimeoutMs: 120_000 }));
    await h.coordinator.syncGroup({
      groupId: G,
      generationId: 1,
      memberId: joined.memberId,
      assignments: [],
    });
    await h.coordinator.commitOffsets({
      groupId: G,
      generationId: 1,
      memberId: joined.memberId,
      offsets: [{ topic: 't', partition: 0, offset: 7 }],
    });
    // Active for two hours: offsets stay while the member heartbeats.
    for (let t = 0; t < 120; t++) {
      await h.scheduler.advance(60_000);
      await h.coordinator.heartbeat({ groupId: G, generationId: 1, memberId: joined.memberId });
    }
    expect(await h.coordinator.fetchOffsets(G)).toHaveLength(1);
    await h.coordinator.leaveGroup({ groupId: G, members: [{ memberId: joined.memberId }] });
    await h.scheduler.advance(59 * 60_000);
    expect(await h.coordinator.fetchOffsets(G)).toHaveLength(1);
    await h.scheduler.advance(2 * 60_000);
    expect(await h.coordinator.fetchOffsets(G)).toEqual([]);
    expect(await h.coordinator.listGroups()).toEqual([]);
    await h.coordinator.close();
    const reopened = await openGroupCoordinator({ log: h.log, scheduler: new ManualScheduler() });
    expect(await reopened.listGroups()).toEqual([]);
    await reopened.close();
  });
});

describe('group › coordinator › expiry in a stable group', () => {
  it('expires offsets of topics no member subscribes to any more, keeping the subscribed ones', async () => {
    const h = await harness({
      'offsets.retention.minutes': 60,
      'offsets.retention.check.interval.ms': 60_000,
    });
    h.log.fill('old-topic', 1, 10);
    const joined = await h.coordinator.joinGroup(joinRequest(G, '', { sessionTimeoutMs: 120_000 }));
    const member = { groupId: G, generationId: 1, memberId: joined.memberId };
    await h.coordinator.syncGroup({ ...member, assignments: [] });
    await h.coordinator.commitOffsets({
      ...member,
      offsets: [
        { topic: 'old-topic', partition: 0, offset: 5 },
        { topic: 't', partition: 0, offset: 5 },
      ],
    });
    for (let minute = 0; minute < 62; minute++) {
      await h.scheduler.advance(60_000);
      await h.coordinator.heartbeat(member);
    }
    expect((await h.coordinator.fetchOffsets(G)).map((o) => o.topic)).toEqual(['t']);
  });
});

function javaHash(s: string): number {
  let h = 0;
  for (const c of s) h = (Math.imul(31, h) + c.charCodeAt(0)) | 0;
  return h;
}
