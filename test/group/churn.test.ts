import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { GroupError } from '../../src/errors.js';
import {
  assignorByName,
  decodeAssignment,
  encodeSubscription,
  type GroupCoordinator,
  type ManualScheduler,
  performAssignment,
  type TopicPartition,
} from '../../src/group/index.js';
import { harness, joinRequest } from './helpers.js';

const G = 'churn';
const PARTITIONS = 4; // topic `t` of the harness, 100 records each
const partitionsPerTopic = new Map([['t', PARTITIONS]]);
const key = (p: TopicPartition) => `${p.topic}-${p.partition}`;

/** What every simulated consumer shares: the coordinator, time, and a record of what was processed. */
interface World {
  coordinator: GroupCoordinator;
  scheduler: ManualScheduler;
  processed: Map<string, Set<number>>;
  zombieCommitsAccepted: number;
}

const sleep = (w: World, ms: number) => new Promise<void>((resolve) => w.scheduler.setTimeout(resolve, ms));

/**
 * A consumer that follows the group protocol as a Kafka client does: join, run the assignor when leader, sync,
 * then process, commit after processing, and heartbeat every 3 s; on REBALANCE_IN_PROGRESS it commits and rejoins
 * (keeping its partitions under the cooperative protocol), on UNKNOWN_MEMBER_ID it rejoins as a new member.
 */
class SimConsumer {
  memberId = '';
  generation = -1;
  assignment: TopicPartition[] = [];
  positions = new Map<string, number>();
  alive = true;
  /** Set to freeze the consumer for longer than its session, like a process stopped in a long GC pause. */
  stall = false;

  constructor(
    private readonly w: World,
    private readonly protocol: string,
  ) {}

  async run(): Promise<void> {
    while (this.alive) {
      try {
        await this.session();
      } catch (error) {
        if (!this.alive) return;
        const code = (error as GroupError).code;
        if (code === 'UNKNOWN_MEMBER_ID') {
          this.memberId = '';
          this.assignment = [];
        }
        if (this.protocol !== 'cooperative-sticky') this.assignment = [];
        await sleep(this.w, 100);
      }
    }
  }

  private async session(): Promise<void> {
    const { coordinator } = this.w;
    const metadata = encodeSubscription({ topics: ['t'], ownedPartitions: this.assignment });
    const joined = await coordinator.joinGroup(
      joinRequest(G, this.memberId, { protocols: [{ name: this.protocol, metadata }] }),
    );
    this.memberId = joined.memberId;
    this.generation = joined.generationId;
    const assignor = assignorByName(joined.protocolName)!;
    const assignments =
      joined.leaderId === joined.memberId
        ? performAssignment(assignor, joined.members, partitionsPerTopic)
        : [];
    const synced = await coordinator.syncGroup({
      groupId: G,
      generationId: this.generation,
      memberId: this.memberId,
      assignments,
    });
    if (!this.alive) return;
    const next = decodeAssignment(synced.assignment).partitions;
    const revoked = this.assignment.some((p) => !next.some((n) => key(n) === key(p)));
    const added = next.filter(
      (n) => !this.positions.has(key(n)) || !this.assignment.some((p) => key(p) === key(n)),
    );
    const committed = await coordinator.fetchOffsets(G, added);
    for (const c of committed) this.positions.set(key(c), Math.max(0, c.offset));
    this.assignment = next;
    if (revoked) return; // revoked partitions: rejoin at once for the cooperative follow-up rebalance
    for (;;) {
      await sleep(this.w, 3_000);
      if (!this.alive) return;
      if (this.stall) {
        this.stall = false;
        await sleep(this.w, 25_000);
        await this.zombieCommit();
      }
      await this.processAndCommit();
      await coordinator.heartbeat({ groupId: G, generationId: this.generation, memberId: this.memberId });
    }
  }

  /** Processes up to 5 records of each assigned partition, then commits the positions (commit-after-process). */
  private async processAndCommit(): Promise<void> {
    for (const p of this.assignment) {
      const k = key(p);
      const from = this.positions.get(k)!;
      const to = Math.min(100, from + 5);
      for (let o = from; o < to; o++) this.w.processed.get(k)!.add(o);
      this.positions.set(k, to);
    }
    const offsets = this.assignment.map((p) => ({ ...p, offset: this.positions.get(key(p))! }));
    const results = await this.w.coordinator.commitOffsets({
      groupId: G,
      generationId: this.generation,
      memberId: this.memberId,
      offsets,
    });
    expect(results.every((r) => r.error === null)).toBe(true);
  }

  /** After a stall longer than the session, the member was removed: its commit must be refused. */
  private async zombieCommit(): Promise<void> {
    const offsets = this.assignment.map((p) => ({ ...p, offset: this.positions.get(key(p))! }));
    const accepted = await this.w.coordinator
      .commitOffsets({ groupId: G, generationId: this.generation, memberId: this.memberId, offsets })
      .then(
        () => true,
        () => false,
      );
    if (accepted) this.w.zombieCommitsAccepted++;
  }
}

type Command =
  | { kind: 'start' }
  | { kind: 'crash' | 'leave' | 'stall'; who: number }
  | { kind: 'tick'; ms: number };

const command: fc.Arbitrary<Command> = fc.oneof(
  fc.constant({ kind: 'start' as const }),
  fc.record({ kind: fc.constantFrom('crash' as const, 'leave' as const, 'stall' as const), who: fc.nat(9) }),
  fc.record({ kind: fc.constant('tick' as const), ms: fc.integer({ min: 100, max: 20_000 }) }),
);

describe('group › coordinator › churn', () => {
  it('settles with every partition owned by exactly one live member and no record skipped', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom('range', 'roundrobin', 'cooperative-sticky'),
        fc.array(command, { minLength: 1, maxLength: 14 }),
        async (protocol, commands) => {
          const h = await harness();
          const w: World = {
            coordinator: h.coordinator,
            scheduler: h.scheduler,
            processed: new Map(Array.from({ length: PARTITIONS }, (_, p) => [`t-${p}`, new Set<number>()])),
            zombieCommitsAccepted: 0,
          };
          const consumers: SimConsumer[] = [];
          const start = () => {
            const c = new SimConsumer(w, protocol);
            consumers.push(c);
            void c.run();
          };
          start();
          for (const cmd of commands) {
            const live = consumers.filter((c) => c.alive);
            if (cmd.kind === 'start') start();
            else if (cmd.kind === 'tick') await h.scheduler.advance(cmd.ms);
            else if (live.length > 0) {
              const c = live[cmd.who % live.length];
              if (cmd.kind === 'stall') c.stall = true;
              else {
                c.alive = false;
                if (cmd.kind === 'leave' && c.memberId !== '') {
                  await h.coordinator
                    .leaveGroup({ groupId: G, members: [{ memberId: c.memberId }] })
                    .catch(() => {});
                }
              }
            }
          }
          // Settle: no more churn for longer than every timeout.
          for (let t = 0; t < 120_000; t += 5_000) await h.scheduler.advance(5_000);

          const live = consumers.filter((c) => c.alive);
          const [group] = await h.coordinator.describeGroups([G]);
          expect(w.zombieCommitsAccepted).toBe(0);
          if (live.length === 0) {
            expect(group.state).toBe('Empty');
          } else {
            expect(group.state).toBe('Stable');
            expect(group.members.map((m) => m.memberId).sort()).toEqual(live.map((c) => c.memberId).sort());
            const owned = group.members.flatMap((m) => decodeAssignment(m.assignment).partitions.map(key));
            expect(owned.sort()).toEqual(Array.from({ length: PARTITIONS }, (_, p) => `t-${p}`));
            for (const c of live) {
              const described = group.members.find((m) => m.memberId === c.memberId)!;
              expect(decodeAssignment(described.assignment).partitions.map(key).sort()).toEqual(
                c.assignment.map(key).sort(),
              );
            }
          }
          for (const committed of await h.coordinator.fetchOffsets(G)) {
            const seen = w.processed.get(key(committed))!;
            for (let o = 0; o < committed.offset; o++) expect(seen.has(o)).toBe(true);
          }
          for (const c of consumers) c.alive = false;
          await h.coordinator.close();
        },
      ),
      { numRuns: 25 },
    );
  });
});
