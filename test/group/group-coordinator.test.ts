import pino from 'pino';
import { describe, expect, it } from 'vitest';
import { MemberIdRequiredError } from '../../src/errors.js';
import { harness, isSettled, joinRequest, REBALANCE_MS, SESSION_MS } from './helpers.js';

const G = 'orders-app';

/** Joins a lone member and completes its first generation. */
async function stableSolo(h: Awaited<ReturnType<typeof harness>>) {
  const joined = await h.coordinator.joinGroup(joinRequest(G));
  const assignment = Buffer.from('all of t');
  await h.coordinator.syncGroup({
    groupId: G,
    generationId: joined.generationId,
    memberId: joined.memberId,
    assignments: [{ memberId: joined.memberId, assignment }],
  });
  return joined;
}

describe('group › coordinator › join and sync', () => {
  it('makes the first member leader of generation 1 and hands back its assignment', async () => {
    const h = await harness();
    const joined = await h.coordinator.joinGroup(joinRequest(G));
    expect(joined.generationId).toBe(1);
    expect(joined.leaderId).toBe(joined.memberId);
    expect(joined.protocolName).toBe('range');
    expect(joined.memberId).toMatch(/^client-/);
    expect(joined.members.map((m) => m.memberId)).toEqual([joined.memberId]);
    const synced = await h.coordinator.syncGroup({
      groupId: G,
      generationId: 1,
      memberId: joined.memberId,
      assignments: [{ memberId: joined.memberId, assignment: Buffer.from([1, 2, 3]) }],
    });
    expect([...synced.assignment]).toEqual([1, 2, 3]);
    const [described] = await h.coordinator.describeGroups([G]);
    expect(described.state).toBe('Stable');
    expect(described.members[0]).toMatchObject({ clientId: 'client', clientHost: '/127.0.0.1' });
    expect([...described.members[0].assignment]).toEqual([1, 2, 3]);
  });

  it('rebalances when a second member joins: the first learns it from its heartbeat', async () => {
    const h = await harness();
    const a = await stableSolo(h);
    const bJoin = h.coordinator.joinGroup(joinRequest(G));
    expect(await isSettled(bJoin)).toBe(false);
    await expect(
      h.coordinator.heartbeat({ groupId: G, generationId: 1, memberId: a.memberId }),
    ).rejects.toMatchObject({ code: 'REBALANCE_IN_PROGRESS', retriable: true });
    const aJoin = await h.coordinator.joinGroup(joinRequest(G, a.memberId));
    const b = await bJoin;
    expect(aJoin.generationId).toBe(2);
    expect(b.generationId).toBe(2);
    expect(aJoin.leaderId).toBe(a.memberId);
    expect(aJoin.members.map((m) => m.memberId).sort()).toEqual([a.memberId, b.memberId].sort());
    expect(b.members).toEqual([]);

    // The follower's sync waits for the leader's.
    const bSync = h.coordinator.syncGroup({
      groupId: G,
      generationId: 2,
      memberId: b.memberId,
      assignments: [],
    });
    expect(await isSettled(bSync)).toBe(false);
    await h.coordinator.syncGroup({
      groupId: G,
      generationId: 2,
      memberId: a.memberId,
      assignments: [
        { memberId: a.memberId, assignment: Buffer.from('a') },
        { memberId: b.memberId, assignment: Buffer.from('b') },
      ],
    });
    expect((await bSync).assignment.toString()).toBe('b');
  });

  it('answers a member that rejoins a stable group unchanged without a rebalance', async () => {
    const h = await harness();
    const a = await stableSolo(h);
    const b = h.coordinator.joinGroup(joinRequest(G));
    await h.coordinator.joinGroup(joinRequest(G, a.memberId));
    const bJoined = await b;
    await h.coordinator.syncGroup({ groupId: G, generationId: 2, memberId: a.memberId, assignments: [] });
    const again = await h.coordinator.joinGroup(joinRequest(G, bJoined.memberId));
    expect(again.generationId).toBe(2);
    expect((await h.coordinator.describeGroups([G]))[0].state).toBe('Stable');
  });

  it('asks for a member id first when the client requires one (JoinGroup v4+)', async () => {
    const h = await harness();
    const first = h.coordinator.joinGroup(joinRequest(G, '', { requireKnownMemberId: true }));
    const error = await first.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(MemberIdRequiredError);
    const memberId = (error as MemberIdRequiredError).memberId;
    const joined = await h.coordinator.joinGroup(joinRequest(G, memberId));
    expect(joined.memberId).toBe(memberId);
    expect(joined.generationId).toBe(1);
  });

  it('refuses a session timeout outside the configured range', async () => {
    const h = await harness();
    await expect(
      h.coordinator.joinGroup(joinRequest(G, '', { sessionTimeoutMs: 100 })),
    ).rejects.toMatchObject({
      code: 'INVALID_SESSION_TIMEOUT',
    });
  });

  it('refuses a member whose assignors no member shares', async () => {
    const h = await harness();
    await stableSolo(h);
    const other = joinRequest(G, '', { protocols: [{ name: 'roundrobin', metadata: Buffer.alloc(0) }] });
    await expect(h.coordinator.joinGroup(other)).rejects.toMatchObject({
      code: 'INCONSISTENT_GROUP_PROTOCOL',
    });
    await expect(
      h.coordinator.joinGroup(joinRequest(G, '', { protocolType: 'connect' })),
    ).rejects.toMatchObject({
      code: 'INCONSISTENT_GROUP_PROTOCOL',
    });
  });

  it('picks the assignor most members prefer among those all support', async () => {
    const h = await harness();
    const both = (first: string, second: string) =>
      joinRequest(G, '', {
        protocols: [
          { name: first, metadata: Buffer.from(first) },
          { name: second, metadata: Buffer.from(second) },
        ],
      });
    const a = h.coordinator.joinGroup(both('roundrobin', 'range'));
    const joinedA = await a;
    await h.coordinator.syncGroup({
      groupId: G,
      generationId: 1,
      memberId: joinedA.memberId,
      assignments: [],
    });
    const b = h.coordinator.joinGroup(both('range', 'roundrobin'));
    const c = h.coordinator.joinGroup(both('range', 'roundrobin'));
    const again = await h.coordinator.joinGroup({
      ...both('roundrobin', 'range'),
      memberId: joinedA.memberId,
    });
    await Promise.all([b, c]);
    expect(again.protocolName).toBe('range');
    expect(again.members.every((m) => m.metadata.toString() === 'range')).toBe(true);
  });
});

describe('group › coordinator › timeouts', () => {
  it('removes a member whose heartbeats stop and rebalances the rest', async () => {
    const h = await harness();
    const a = await stableSolo(h);
    const bJoin = h.coordinator.joinGroup(joinRequest(G));
    await h.coordinator.joinGroup(joinRequest(G, a.memberId));
    const b = await bJoin;
    await h.coordinator.syncGroup({ groupId: G, generationId: 2, memberId: a.memberId, assignments: [] });
    await h.coordinator.syncGroup({ groupId: G, generationId: 2, memberId: b.memberId, assignments: [] });
    for (let t = 0; t < SESSION_MS + 3_000; t += 3_000) {
      await h.scheduler.advance(3_000);
      await h.coordinator
        .heartbeat({ groupId: G, generationId: 2, memberId: a.memberId })
        .catch(() => undefined);
    }
    const [described] = await h.coordinator.describeGroups([G]);
    expect(described.members.map((m) => m.memberId)).toEqual([a.memberId]);
    expect(described.state).toBe('PreparingRebalance');
    await expect(
      h.coordinator.heartbeat({ groupId: G, generationId: 2, memberId: b.memberId }),
    ).rejects.toMatchObject({ code: 'UNKNOWN_MEMBER_ID' });
    const rejoined = await h.coordinator.joinGroup(joinRequest(G, a.memberId));
    expect(rejoined.generationId).toBe(3);
    expect(rejoined.members).toHaveLength(1);
  });

  it('completes a rebalance without members that do not rejoin within the rebalance timeout', async () => {
    const h = await harness();
    const a = await stableSolo(h);
    const bJoin = h.coordinator.joinGroup(joinRequest(G));
    // a keeps heartbeating (so its session lives) but never rejoins.
    for (let t = 0; t < REBALANCE_MS; t += 3_000) {
      expect(await isSettled(bJoin)).toBe(false);
      await h.coordinator
        .heartbeat({ groupId: G, generationId: 1, memberId: a.memberId })
        .catch(() => undefined);
      await h.scheduler.advance(3_000);
    }
    const b = await bJoin;
    expect(b.generationId).toBe(2);
    expect(b.leaderId).toBe(b.memberId);
    expect(b.members.map((m) => m.memberId)).toEqual([b.memberId]);
  });

  it('removes members that never sync and rebalances the others', async () => {
    const h = await harness();
    const a = await stableSolo(h);
    const bJoin = h.coordinator.joinGroup(joinRequest(G));
    await h.coordinator.joinGroup(joinRequest(G, a.memberId));
    const b = await bJoin;
    const aSync = h.coordinator.syncGroup({
      groupId: G,
      generationId: 2,
      memberId: a.memberId,
      assignments: [],
    });
    await aSync;
    for (let t = 0; t <= REBALANCE_MS; t += 3_000) {
      await h.scheduler.advance(3_000);
      await h.coordinator
        .heartbeat({ groupId: G, generationId: 2, memberId: a.memberId })
        .catch(() => undefined);
    }
    const [described] = await h.coordinator.describeGroups([G]);
    expect(described.members.map((m) => m.memberId)).toEqual([a.memberId]);
    await expect(
      h.coordinator.syncGroup({ groupId: G, generationId: 2, memberId: b.memberId, assignments: [] }),
    ).rejects.toMatchObject({ code: 'UNKNOWN_MEMBER_ID' });
  });

  it('waits group.initial.rebalance.delay.ms for more members before the first generation', async () => {
    const h = await harness({ 'group.initial.rebalance.delay.ms': 3_000 });
    const a = h.coordinator.joinGroup(joinRequest(G));
    await h.scheduler.advance(2_000);
    const b = h.coordinator.joinGroup(joinRequest(G));
    await h.scheduler.advance(2_000);
    expect(await isSettled(a)).toBe(false);
    await h.scheduler.advance(1_000);
    const [ja, jb] = await Promise.all([a, b]);
    expect(ja.generationId).toBe(1);
    expect(jb.generationId).toBe(1);
    expect(ja.members).toHaveLength(2);
  });
});

describe('group › coordinator › leave and fencing', () => {
  it('moves to Empty when the last member leaves, and forgets the member', async () => {
    const h = await harness();
    const a = await stableSolo(h);
    const left = await h.coordinator.leaveGroup({ groupId: G, members: [{ memberId: a.memberId }] });
    expect(left.members).toEqual([{ memberId: a.memberId, groupInstanceId: null, error: null }]);
    const [described] = await h.coordinator.describeGroups([G]);
    expect(described).toMatchObject({ state: 'Empty', generationId: 2, members: [] });
    await expect(
      h.coordinator.heartbeat({ groupId: G, generationId: 1, memberId: a.memberId }),
    ).rejects.toMatchObject({ code: 'UNKNOWN_MEMBER_ID' });
  });

  it('reports an unknown member per member in LeaveGroup', async () => {
    const h = await harness();
    await stableSolo(h);
    const left = await h.coordinator.leaveGroup({ groupId: G, members: [{ memberId: 'nobody' }] });
    expect(left.members[0].error).toMatchObject({ code: 'UNKNOWN_MEMBER_ID' });
  });

  it('refuses heartbeats, syncs and commits from an old generation', async () => {
    const h = await harness();
    const a = await stableSolo(h);
    const bJoin = h.coordinator.joinGroup(joinRequest(G));
    await h.coordinator.joinGroup(joinRequest(G, a.memberId));
    await bJoin;
    await h.coordinator.syncGroup({ groupId: G, generationId: 2, memberId: a.memberId, assignments: [] });
    const stale = { groupId: G, generationId: 1, memberId: a.memberId };
    await expect(h.coordinator.heartbeat(stale)).rejects.toMatchObject({ code: 'ILLEGAL_GENERATION' });
    await expect(h.coordinator.syncGroup({ ...stale, assignments: [] })).rejects.toMatchObject({
      code: 'ILLEGAL_GENERATION',
    });
    await expect(
      h.coordinator.commitOffsets({ ...stale, offsets: [{ topic: 't', partition: 0, offset: 5 }] }),
    ).rejects.toMatchObject({ code: 'ILLEGAL_GENERATION' });
    await expect(
      h.coordinator.commitOffsets({ groupId: G, generationId: 2, memberId: 'zombie', offsets: [] }),
    ).rejects.toMatchObject({ code: 'UNKNOWN_MEMBER_ID' });
  });

  it('tells a member it must rejoin when it commits in the middle of a rebalance it has joined', async () => {
    const h = await harness();
    const a = await stableSolo(h);
    const bJoin = h.coordinator.joinGroup(joinRequest(G));
    const aJoined = await h.coordinator.joinGroup(joinRequest(G, a.memberId));
    await bJoin;
    await expect(
      h.coordinator.commitOffsets({
        groupId: G,
        generationId: aJoined.generationId,
        memberId: a.memberId,
        offsets: [{ topic: 't', partition: 0, offset: 1 }],
      }),
    ).rejects.toMatchObject({ code: 'REBALANCE_IN_PROGRESS' });
  });

  it('lets a member of the current generation commit while others join', async () => {
    const h = await harness();
    const a = await stableSolo(h);
    void h.coordinator.joinGroup(joinRequest(G));
    const results = await h.coordinator.commitOffsets({
      groupId: G,
      generationId: a.generationId,
      memberId: a.memberId,
      offsets: [{ topic: 't', partition: 0, offset: 10 }],
    });
    expect(results).toEqual([{ topic: 't', partition: 0, error: null }]);
  });
});

describe('group › coordinator › static membership', () => {
  it('lets a restarted static member take over its assignment without a rebalance, fencing the old id', async () => {
    const h = await harness();
    const a = await h.coordinator.joinGroup(joinRequest(G, '', { groupInstanceId: 'host-a' }));
    const bJoin = h.coordinator.joinGroup(joinRequest(G, '', { groupInstanceId: 'host-b' }));
    await h.coordinator.joinGroup(joinRequest(G, a.memberId, { groupInstanceId: 'host-a' }));
    const b = await bJoin;
    await h.coordinator.syncGroup({
      groupId: G,
      generationId: 2,
      memberId: a.memberId,
      assignments: [
        { memberId: a.memberId, assignment: Buffer.from('A') },
        { memberId: b.memberId, assignment: Buffer.from('B') },
      ],
    });
    const restarted = await h.coordinator.joinGroup(joinRequest(G, '', { groupInstanceId: 'host-b' }));
    expect(restarted.generationId).toBe(2);
    expect(restarted.memberId).not.toBe(b.memberId);
    const synced = await h.coordinator.syncGroup({
      groupId: G,
      generationId: 2,
      memberId: restarted.memberId,
      groupInstanceId: 'host-b',
      assignments: [],
    });
    expect(synced.assignment.toString()).toBe('B');
    await expect(
      h.coordinator.heartbeat({
        groupId: G,
        generationId: 2,
        memberId: b.memberId,
        groupInstanceId: 'host-b',
      }),
    ).rejects.toMatchObject({ code: 'FENCED_INSTANCE_ID' });
    expect((await h.coordinator.describeGroups([G]))[0].state).toBe('Stable');
  });
});

describe('group › coordinator › static membership › leaving', () => {
  it('removes a static member named by its instance id alone', async () => {
    const h = await harness();
    const a = await h.coordinator.joinGroup(joinRequest(G, '', { groupInstanceId: 'host-a' }));
    await h.coordinator.syncGroup({ groupId: G, generationId: 1, memberId: a.memberId, assignments: [] });
    const left = await h.coordinator.leaveGroup({
      groupId: G,
      members: [{ memberId: '', groupInstanceId: 'host-a' }],
    });
    expect(left.members[0].error).toBeNull();
    expect((await h.coordinator.describeGroups([G]))[0]).toMatchObject({ state: 'Empty', members: [] });
    const again = await h.coordinator.leaveGroup({
      groupId: G,
      members: [{ memberId: '', groupInstanceId: 'host-a' }],
    });
    expect(again.members[0].error).toMatchObject({ code: 'UNKNOWN_MEMBER_ID' });
  });
});

describe('group › coordinator › pending member ids', () => {
  it('waits for a handed-out member id until its session timeout before completing a rebalance', async () => {
    const h = await harness();
    const a = await stableSolo(h);
    const pending = await h.coordinator
      .joinGroup(joinRequest(G, '', { requireKnownMemberId: true }))
      .catch((e: unknown) => e);
    expect(pending).toBeInstanceOf(MemberIdRequiredError);
    // Handing out an id starts no rebalance.
    await h.coordinator.heartbeat({ groupId: G, generationId: 1, memberId: a.memberId });
    const cJoin = h.coordinator.joinGroup(joinRequest(G));
    const aJoin = h.coordinator.joinGroup(joinRequest(G, a.memberId));
    await h.scheduler.advance(SESSION_MS - 1_000);
    expect(await isSettled(aJoin)).toBe(false);
    await h.scheduler.advance(1_000);
    const [ja, jc] = await Promise.all([aJoin, cJoin]);
    expect(ja.generationId).toBe(2);
    expect(ja.members.map((m) => m.memberId).sort()).toEqual([a.memberId, jc.memberId].sort());
    await expect(
      h.coordinator.joinGroup(joinRequest(G, (pending as MemberIdRequiredError).memberId)),
    ).rejects.toMatchObject({ code: 'UNKNOWN_MEMBER_ID' });
  });
});

describe('group › coordinator › logging', () => {
  it('reports completed rebalances and why members were removed', async () => {
    const lines: Record<string, unknown>[] = [];
    const logger = pino({ level: 'info' }, { write: (line: string) => void lines.push(JSON.parse(line)) });
    const h = await harness({}, logger);
    const a = await stableSolo(h);
    await h.scheduler.advance(SESSION_MS + 1);
    expect(lines.filter((l) => l.msg === 'rebalance completed')).toMatchObject([
      { group: G, generation: 1, protocol: 'range', leader: a.memberId, members: 1 },
    ]);
    expect(lines.find((l) => l.msg === 'member removed')).toMatchObject({
      memberId: a.memberId,
      reason: `no heartbeat within session.timeout.ms=${SESSION_MS}`,
    });
    expect(lines.at(-1)).toMatchObject({ msg: 'group is empty', generation: 2 });
  });
});

describe('group › coordinator › close', () => {
  it('fails waiting joins and refuses new calls once closed', async () => {
    const h = await harness();
    const a = await stableSolo(h);
    const bJoin = h.coordinator.joinGroup(joinRequest(G));
    await h.coordinator.close();
    await expect(bJoin).rejects.toMatchObject({ code: 'COORDINATOR_NOT_AVAILABLE' });
    await expect(
      h.coordinator.heartbeat({ groupId: G, generationId: 1, memberId: a.memberId }),
    ).rejects.toMatchObject({ code: 'COORDINATOR_NOT_AVAILABLE' });
    expect(h.scheduler.pending).toBe(0);
  });
});
