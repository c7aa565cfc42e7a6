// The group-membership part of the client contract, run by every backend: what a reader with the async iterator
// can rely on while members join, leave and take their time. Topic and group names are random per test.
import { randomUUID } from 'node:crypto';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Client, Consumer, RebalanceListener, TopicPartition } from '../../src/client/index.js';
import type { ContractBackend } from './contract.js';

const name = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(condition: () => boolean, what: string, timeoutMs = 30_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await sleep(20);
  }
}

/** A group member reading with the async iterator, checking each batch against the listener's state. */
class Member {
  readonly events: string[] = [];
  readonly values: string[] = [];
  /** Batches of a partition not assigned when they reached the reader. */
  readonly notOwned: string[] = [];
  /** Batches that reached the reader while a rebalance callback ran. */
  readonly inCallback: string[] = [];
  private calling = false;
  readonly consumer: Consumer;

  constructor(client: Client, groupId: string, extra: Record<string, unknown> = {}) {
    this.consumer = client.consumer({
      groupId,
      'auto.offset.reset': 'earliest',
      'heartbeat.interval.ms': 200,
      'fetch.max.wait.ms': 100,
      'max.poll.records': 20,
      ...extra,
    });
  }

  /** The listener: slow callbacks, so a backend that does not await them shows it. */
  readonly listener: RebalanceListener = {
    onPartitionsAssigned: (partitions) => this.callback('assigned', partitions),
    onPartitionsRevoked: (partitions) => this.callback('revoked', partitions),
  };

  async start(topic: string, holdMs = 0): Promise<void> {
    await this.consumer.subscribe(topic, this.listener);
    void (async () => {
      for await (const batch of this.consumer) {
        const owned = this.consumer.assignment().some((tp) => tp.partition === batch.partition);
        const at = `${batch.partition}@${batch.records[0].offset}`;
        if (!owned) this.notOwned.push(at);
        if (this.calling) this.inCallback.push(`${at} during "${this.events.at(-1)}"`);
        for (const r of batch.records) this.values.push(r.value?.toString() ?? '');
        if (holdMs > 0 && this.values.length === batch.records.length) await sleep(holdMs);
      }
    })();
  }

  /** Leaves the group (a `next()` pending meanwhile may stay pending: stop() ends the iteration, not the wait). */
  async close(): Promise<void> {
    await this.consumer.stop();
    await this.consumer.close();
  }

  private async callback(kind: string, partitions: TopicPartition[]): Promise<void> {
    if (this.calling) this.events.push('overlap');
    this.calling = true;
    this.events.push(
      `${kind} ${partitions
        .map((tp) => tp.partition)
        .sort()
        .join(',')}`,
    );
    await sleep(150);
    this.calling = false;
  }
}

export function describeRebalanceContract(
  backendName: string,
  makeBackend: () => Promise<ContractBackend>,
): void {
  describe(`client contract › ${backendName} › rebalances`, () => {
    let backend: ContractBackend;
    let client: Client;

    beforeEach(async () => {
      backend = await makeBackend();
      client = await backend.connect();
    });
    afterEach(async () => {
      await client.close();
      await backend.dispose();
    });

    async function topic(partitions: number): Promise<string> {
      const t = name('t');
      await client.admin().createTopics([{ name: t, partitions }]);
      return t;
    }

    it('keeps delivering while members join and leave, each batch of a partition owned, callbacks in turn', async () => {
      const t = await topic(6);
      const groupId = name('g');
      const producer = client.producer();
      let sent = 0;
      const send = async (n: number) => {
        const values = Array.from({ length: n }, (_, i) => String(sent + i));
        sent += n;
        await producer.send(
          t,
          values.map((value, i) => ({ value, partition: i % 6 })),
        );
      };
      const received = (members: Member[]) => new Set(members.flatMap((m) => m.values)).size;
      const members = [new Member(client, groupId)];
      await members[0].start(t);
      await send(600);
      await until(() => received(members) === sent, 'the first member to read everything');
      for (let round = 0; round < 2; round++) {
        const joining = new Member(client, groupId);
        members.push(joining);
        await joining.start(t);
        await send(600);
        await until(() => received(members) === sent, `every record after member ${members.length} joined`);
      }
      await members[0].close();
      await send(600);
      await until(() => received(members) === sent, 'every record after the first member left');
      const [, second, third] = members;
      await until(
        () => second.consumer.assignment().length + third.consumer.assignment().length === 6,
        'the two left to own all',
      );
      await send(600);
      await until(() => received(members) === sent, 'every record at the end');
      for (const m of [second, third]) await m.close();
      for (const m of members) {
        expect(m.notOwned).toEqual([]);
        // No batch reached the reader while a rebalance callback ran.
        expect(m.inCallback).toEqual([]);
        expect(m.events).not.toContain('overlap');
        // Assignments and revocations alternate, starting with an assignment.
        const kinds = m.events.map((e) => e.split(' ')[0]);
        expect(kinds, m.events.join(' | ')).toEqual(
          kinds.map((_, i) => (i % 2 === 0 ? 'assigned' : 'revoked')),
        );
      }
    }, 90_000);

    it('keeps a member whose reader holds a batch past the session timeout', async () => {
      const t = await topic(2);
      const groupId = name('g');
      const producer = client.producer();
      await producer.send(t, [
        { value: 'a', partition: 0 },
        { value: 'b', partition: 1 },
      ]);
      const member = new Member(client, groupId, { 'session.timeout.ms': 6000 });
      await member.start(t, 8000);
      await until(() => member.values.length === 1, 'the first batch');
      await until(() => member.values.length === 2, 'the second batch, after the reader held the first 8 s');
      await producer.send(t, [{ value: 'c', partition: 0 }]);
      await until(() => member.values.length === 3, 'a record sent later');
      await member.close();
      // Expelled, it would have been revoked and assigned again.
      expect(member.events).toEqual(['assigned 0,1']);
    }, 60_000);

    it('closes while batches wait behind the one the reader holds', async () => {
      const t = await topic(4);
      const producer = client.producer();
      await producer.send(
        t,
        Array.from({ length: 400 }, (_, i) => ({ value: String(i), partition: i % 4 })),
      );
      const consumer = client.consumer({ groupId: name('g'), 'auto.offset.reset': 'earliest' });
      await consumer.subscribe(t);
      for await (const batch of consumer) {
        expect(batch.records.length).toBeGreaterThan(0);
        // Give the backend time to queue batches of the other partitions behind this one.
        await sleep(300);
        break;
      }
      await consumer.close();
    });
  });
}
