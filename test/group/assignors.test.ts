import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import {
  type AssignmentPlan,
  type AssignorMember,
  cooperativeStickyAssign,
  cooperativeStickyAssignor,
  decodeAssignment,
  encodeSubscription,
  type PartitionAssignor,
  performAssignment,
  rangeAssign,
  rangeAssignor,
  roundRobinAssign,
  roundRobinAssignor,
  type TopicPartition,
} from '../../src/group/index.js';

const tp = (topic: string, partition: number): TopicPartition => ({ topic, partition });
const names = (plan: AssignmentPlan, id: string) => plan.get(id)!.map((p) => `${p.topic}-${p.partition}`);

describe('group › assignors › range', () => {
  it("gives each subscriber a contiguous range per topic, extras to the first (Kafka's documented example)", () => {
    const members = [
      { memberId: 'C0', topics: ['t0', 't1'] },
      { memberId: 'C1', topics: ['t0', 't1'] },
    ];
    const plan = rangeAssign(
      members,
      new Map([
        ['t0', 3],
        ['t1', 3],
      ]),
    );
    expect(names(plan, 'C0')).toEqual(['t0-0', 't0-1', 't1-0', 't1-1']);
    expect(names(plan, 'C1')).toEqual(['t0-2', 't1-2']);
  });

  it('orders static members by instance id, so a restart under a new member id keeps its range', () => {
    const plan = rangeAssign(
      [
        { memberId: 'a-new', groupInstanceId: 'z', topics: ['t'] },
        { memberId: 'b', groupInstanceId: 'y', topics: ['t'] },
      ],
      new Map([['t', 2]]),
    );
    expect(names(plan, 'b')).toEqual(['t-0']);
    expect(names(plan, 'a-new')).toEqual(['t-1']);
  });
});

describe('group › assignors › roundrobin', () => {
  it("deals partitions in turn across topics (Kafka's documented example)", () => {
    const members = [
      { memberId: 'C0', topics: ['t0', 't1'] },
      { memberId: 'C1', topics: ['t0', 't1'] },
    ];
    const plan = roundRobinAssign(
      members,
      new Map([
        ['t0', 3],
        ['t1', 3],
      ]),
    );
    expect(names(plan, 'C0')).toEqual(['t0-0', 't0-2', 't1-1']);
    expect(names(plan, 'C1')).toEqual(['t0-1', 't1-0', 't1-2']);
  });

  it("skips members not subscribed to a topic (Kafka's documented example)", () => {
    const members = [
      { memberId: 'C0', topics: ['t0'] },
      { memberId: 'C1', topics: ['t0', 't1'] },
      { memberId: 'C2', topics: ['t0', 't1', 't2'] },
    ];
    const plan = roundRobinAssign(
      members,
      new Map([
        ['t0', 1],
        ['t1', 2],
        ['t2', 3],
      ]),
    );
    expect(names(plan, 'C0')).toEqual(['t0-0']);
    expect(names(plan, 'C1')).toEqual(['t1-0']);
    expect(names(plan, 'C2')).toEqual(['t1-1', 't2-0', 't2-1', 't2-2']);
  });
});

describe('group › assignors › cooperative-sticky', () => {
  const topics = new Map([['t', 6]]);
  const owning = (memberId: string, partitions: number[]): AssignorMember => ({
    memberId,
    topics: ['t'],
    ownedPartitions: partitions.map((p) => tp('t', p)),
  });

  it('first revokes what moves to a new member, then hands it over in the follow-up rebalance', () => {
    const round1 = cooperativeStickyAssign(
      [owning('a', [0, 1]), owning('b', [2, 3]), owning('c', [4, 5]), owning('d', [])],
      topics,
    );
    // Six partitions over four members is 2, 2, 1, 1: one owner gives one up, and d gets nothing yet.
    const kept = ['a', 'b', 'c'].map((m) => round1.get(m)!.length).sort();
    expect(kept).toEqual([1, 2, 2]);
    expect(round1.get('d')).toEqual([]);
    const round2 = cooperativeStickyAssign(
      ['a', 'b', 'c', 'd'].map((m) =>
        owning(
          m,
          round1.get(m)!.map((p) => p.partition),
        ),
      ),
      topics,
    );
    for (const m of ['a', 'b', 'c']) expect(round2.get(m)).toEqual(round1.get(m));
    const revoked = [0, 1, 2, 3, 4, 5].filter(
      (p) => ![...round1.values()].flat().some((x) => x.partition === p),
    );
    expect(round2.get('d')!.map((p) => p.partition)).toEqual(revoked);
  });

  it('keeps every partition in place when a member leaves, handing only its partitions out', () => {
    const plan = cooperativeStickyAssign([owning('a', [0, 1]), owning('b', [2, 3])], topics);
    expect(names(plan, 'a').slice(0, 2)).toEqual(['t-0', 't-1']);
    expect(names(plan, 'b').slice(0, 2)).toEqual(['t-2', 't-3']);
    expect(plan.get('a')!.length + plan.get('b')!.length).toBe(6);
  });

  it('trusts no member with a partition two members claim', () => {
    const plan = cooperativeStickyAssign([owning('a', [0, 1, 2]), owning('b', [2, 3, 4, 5])], topics);
    const all = [...plan.values()].flat().map((p) => p.partition);
    expect(new Set(all).size).toBe(all.length);
    expect(all).toContain(2);
  });
});

describe('group › assignors › performAssignment', () => {
  it('decodes subscriptions and encodes one assignment per member', () => {
    const members = ['m1', 'm2'].map((memberId) => ({
      memberId,
      groupInstanceId: null,
      metadata: encodeSubscription({ topics: ['t'] }),
    }));
    const out = performAssignment(rangeAssignor, members, new Map([['t', 3]]));
    expect(
      out.map((o) => [o.memberId, decodeAssignment(o.assignment).partitions.map((p) => p.partition)]),
    ).toEqual([
      ['m1', [0, 1]],
      ['m2', [2]],
    ]);
  });
});

// ---- properties ------------------------------------------------------------------------------------------------

const TOPICS = ['t0', 't1', 't2'];

const scenario = fc
  .record({
    partitions: fc.array(fc.integer({ min: 1, max: 9 }), { minLength: 3, maxLength: 3 }),
    members: fc.array(
      fc.record({
        topics: fc.subarray(TOPICS, { minLength: 1 }),
        owned: fc.array(fc.tuple(fc.constantFrom(...TOPICS), fc.integer({ min: 0, max: 9 })), {
          maxLength: 6,
        }),
      }),
      { minLength: 1, maxLength: 6 },
    ),
  })
  .map(({ partitions, members }) => ({
    partitionsPerTopic: new Map(TOPICS.map((t, i) => [t, partitions[i]])),
    members: members.map(
      (m, i): AssignorMember => ({
        memberId: `m${i}`,
        topics: m.topics,
        ownedPartitions: m.owned.map(([topic, partition]) => tp(topic, partition)),
      }),
    ),
  }));

/** Every partition of a subscribed topic, as "topic-partition". */
function allPartitions(members: AssignorMember[], partitionsPerTopic: Map<string, number>): string[] {
  const topics = new Set(members.flatMap((m) => m.topics));
  return [...topics].flatMap((t) =>
    Array.from({ length: partitionsPerTopic.get(t)! }, (_, p) => `${t}-${p}`),
  );
}

function checkValid(members: AssignorMember[], plan: AssignmentPlan): string[] {
  const seen: string[] = [];
  for (const m of members) {
    for (const p of plan.get(m.memberId)!) {
      expect(m.topics).toContain(p.topic);
      seen.push(`${p.topic}-${p.partition}`);
    }
  }
  expect(new Set(seen).size).toBe(seen.length);
  return seen;
}

/** The follow-up rebalance of the cooperative protocol: members now own what the previous round gave them. */
function nextRound(members: AssignorMember[], plan: AssignmentPlan): AssignorMember[] {
  return members.map((m) => ({ ...m, ownedPartitions: plan.get(m.memberId)! }));
}

describe('group › assignors › properties', () => {
  const eager: PartitionAssignor[] = [rangeAssignor, roundRobinAssignor];

  it('eager assignors give every subscribed partition to exactly one subscriber', () => {
    fc.assert(
      fc.property(scenario, ({ members, partitionsPerTopic }) => {
        for (const assignor of eager) {
          const seen = checkValid(members, assignor.assign(members, partitionsPerTopic));
          expect(seen.sort()).toEqual(allPartitions(members, partitionsPerTopic).sort());
        }
      }),
    );
  });

  it('cooperative-sticky never double-assigns, and settles on one owner per partition in a few rounds', () => {
    fc.assert(
      fc.property(scenario, ({ members, partitionsPerTopic }) => {
        // Each round, members own what the previous one gave them; a round that revokes nothing is settled.
        let current = members;
        for (let round = 1; ; round++) {
          const plan = cooperativeStickyAssignor.assign(current, partitionsPerTopic);
          checkValid(members, plan);
          const revoked = current.some((m) => {
            const kept = new Set(names(plan, m.memberId));
            return (m.ownedPartitions ?? []).some((p) => !kept.has(`${p.topic}-${p.partition}`));
          });
          if (round > 1 && !revoked) {
            const seen = checkValid(members, plan);
            expect(seen.sort()).toEqual(allPartitions(members, partitionsPerTopic).sort());
            return;
          }
          expect(round).toBeLessThan(4);
          current = nextRound(current, plan);
        }
      }),
    );
  });

  it('cooperative-sticky with identical subscriptions settles in the follow-up round', () => {
    fc.assert(
      fc.property(scenario, ({ members, partitionsPerTopic }) => {
        const same = members.map((m) => ({ ...m, topics: TOPICS }));
        const round1 = cooperativeStickyAssignor.assign(same, partitionsPerTopic);
        const round2 = cooperativeStickyAssignor.assign(nextRound(same, round1), partitionsPerTopic);
        expect(checkValid(same, round2).sort()).toEqual(allPartitions(same, partitionsPerTopic).sort());
        for (const m of same) {
          const kept = new Set(names(round2, m.memberId));
          for (const p of names(round1, m.memberId)) expect(kept.has(p)).toBe(true);
        }
      }),
    );
  });

  it('with identical subscriptions, roundrobin and cooperative-sticky balance within one', () => {
    fc.assert(
      fc.property(scenario, ({ members, partitionsPerTopic }) => {
        const same = members.map((m) => ({ ...m, topics: TOPICS }));
        const spread = (plan: AssignmentPlan) => {
          const counts = same.map((m) => plan.get(m.memberId)!.length);
          return Math.max(...counts) - Math.min(...counts);
        };
        expect(spread(roundRobinAssign(same, partitionsPerTopic))).toBeLessThanOrEqual(1);
        const round1 = cooperativeStickyAssign(same, partitionsPerTopic);
        expect(
          spread(cooperativeStickyAssign(nextRound(same, round1), partitionsPerTopic)),
        ).toBeLessThanOrEqual(1);
        const range = rangeAssign(same, partitionsPerTopic);
        for (const t of TOPICS) {
          const perTopic = same.map((m) => range.get(m.memberId)!.filter((p) => p.topic === t).length);
          expect(Math.max(...perTopic) - Math.min(...perTopic)).toBeLessThanOrEqual(1);
        }
      }),
    );
  });

  it('cooperative-sticky moves nothing between members that stay when one leaves a balanced group', () => {
    fc.assert(
      fc.property(scenario, fc.nat(), ({ members, partitionsPerTopic }, leaver) => {
        const same = members.map((m) => ({ ...m, topics: TOPICS, ownedPartitions: [] }));
        const settled = cooperativeStickyAssign(same, partitionsPerTopic);
        const stay = nextRound(same, settled).filter(
          (_, i) => same.length === 1 || i !== leaver % same.length,
        );
        const after = cooperativeStickyAssign(stay, partitionsPerTopic);
        for (const m of stay) {
          const kept = new Set(names(after, m.memberId));
          for (const p of names(settled, m.memberId)) expect(kept.has(p)).toBe(true);
        }
      }),
    );
  });

  it('cooperative-sticky takes from each member only what a newcomer needs', () => {
    fc.assert(
      fc.property(scenario, ({ members, partitionsPerTopic }) => {
        const same = members.map((m) => ({ ...m, topics: TOPICS, ownedPartitions: [] }));
        const settled = nextRound(same, cooperativeStickyAssign(same, partitionsPerTopic));
        const joined = [...settled, { memberId: 'new', topics: TOPICS, ownedPartitions: [] }];
        const total = allPartitions(same, partitionsPerTopic).length;
        const floor = Math.floor(total / joined.length);
        const after = cooperativeStickyAssign(joined, partitionsPerTopic);
        for (const m of settled) {
          const before = m.ownedPartitions!.length;
          expect(after.get(m.memberId)!.length).toBeGreaterThanOrEqual(Math.min(before, floor));
        }
      }),
    );
  });
});
