// The client contract as tests: every backend (embedded, kafka) runs these against its own Client, so the two
// cannot drift. Tests use only the public Client interface; topic and group names are random per test.
import { randomUUID } from 'node:crypto';
import { firstValueFrom, from, mergeMap, take, toArray } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Client, Consumer, ConsumerBatch } from '../../src/client/index.js';
import { serdes } from '../../src/client/index.js';
import { GroupError, OffsetOutOfRangeError, UnknownTopicError } from '../../src/errors.js';

/** A backend under test: `connect` may be called again after `close` to model a process restart. */
export interface ContractBackend {
  connect(): Promise<Client>;
  dispose(): Promise<void>;
}

const name = (prefix: string) => `${prefix}-${randomUUID().slice(0, 8)}`;

async function until(condition: () => boolean, what: string, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 10));
  }
}

/**
 * Reads with the async iterator until `count` records arrived, then ends the loop with `stop()` so the last batch
 * counts as processed; returns the values as strings.
 */
async function readValues(consumer: Consumer, count: number): Promise<string[]> {
  const out: string[] = [];
  for await (const batch of consumer) {
    for (const r of batch.records) out.push(r.value?.toString() ?? '<null>');
    if (out.length >= count) void consumer.stop();
  }
  return out;
}

export function describeClientContract(
  backendName: string,
  makeBackend: () => Promise<ContractBackend>,
): void {
  describe(`client contract › ${backendName}`, () => {
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

    async function topic(partitions = 1): Promise<string> {
      const t = name('t');
      await client.admin().createTopics([{ name: t, partitions }]);
      return t;
    }

    it('sendBatch queues records of bytes as they are, across topics, and resolves once all are acknowledged', async () => {
      const a = await topic(2);
      const b = await topic(1);
      const producer = client.producer();
      const records = (prefix: string, n: number) =>
        Array.from({ length: n }, (_, i) => ({
          key: i % 2 === 0 ? Buffer.from(`k${i}`) : undefined,
          value: i === n - 1 ? null : Buffer.from(`${prefix}${i}`),
          headers: [{ key: 'h', value: Buffer.from(`${prefix}-h${i}`) }],
          timestamp: 1_700_000_000_000 + i,
        }));
      const done = await producer.sendBatch(
        { topic: a, messages: records('a', 40) },
        { topic: b, messages: records('b', 10) },
      );
      expect(done).toBeUndefined();
      // Strings go through the serde as with send: only records of bytes skip serializing.
      await producer.sendBatch(b, [{ value: 'as text', timestamp: 1_700_000_000_100 }]);
      const offsets = await client.admin().partitionOffsets(a);
      expect(offsets.reduce((n, p) => n + p.highWatermark, 0)).toBe(40);
      const consumer = client.consumer({ 'auto.offset.reset': 'earliest' });
      await consumer.assign([{ topic: b, partition: 0 }]);
      const got: { value: string | null; key: string | null; header: string; ts: number }[] = [];
      for await (const batch of consumer) {
        for (const r of batch.records) {
          got.push({
            value: r.value?.toString() ?? null,
            key: r.key?.toString() ?? null,
            header: r.headers[0]?.value?.toString() ?? '',
            ts: r.timestamp,
          });
        }
        if (got.length >= 11) break;
      }
      await consumer.close();
      expect(got.slice(0, 10)).toEqual(
        Array.from({ length: 10 }, (_, i) => ({
          value: i === 9 ? null : `b${i}`,
          key: i % 2 === 0 ? `k${i}` : null,
          header: `b-h${i}`,
          ts: 1_700_000_000_000 + i,
        })),
      );
      expect(got[10]).toEqual({ value: 'as text', key: null, header: '', ts: 1_700_000_000_100 });
      await producer.close();
    });

    it('sendBatch rejects a bad partition with nothing of the call queued', async () => {
      const t = await topic(1);
      const producer = client.producer();
      await expect(
        producer.sendBatch(t, [
          { value: Buffer.from('ok'), timestamp: 1 },
          { value: Buffer.from('bad'), timestamp: 2, partition: 5 },
        ]),
      ).rejects.toThrow(/partition/);
      await producer.flush();
      const offsets = await client.admin().partitionOffsets(t);
      expect(offsets[0]?.highWatermark).toBe(0);
      await producer.close();
    });

    it('produces and consumes records with keys, headers, timestamps and a JSON serde', async () => {
      const t = await topic(3);
      const producer = client.producer({ keySerde: serdes.string, valueSerde: serdes.json<{ n: number }>() });
      const sent = await producer.send(
        t,
        Array.from({ length: 30 }, (_, n) => ({
          key: `k${n % 5}`,
          value: { n },
          headers: { trace: `h${n}` },
          timestamp: 1_700_000_000_000 + n,
        })),
      );
      expect(sent).toHaveLength(30);
      // Records with the same key land in the same partition.
      const byKey = new Map<number, Set<number>>();
      for (const [n, m] of sent.entries()) byKey.set(n % 5, (byKey.get(n % 5) ?? new Set()).add(m.partition));
      for (const set of byKey.values()) expect(set.size).toBe(1);
      const consumer = client.consumer({
        keySerde: serdes.string,
        valueSerde: serdes.json<{ n: number }>(),
        'auto.offset.reset': 'earliest',
      });
      await consumer.assign([0, 1, 2].map((partition) => ({ topic: t, partition })));
      const got: {
        key: string | null;
        n: number;
        header: string;
        ts: number;
        offset: number;
        partition: number;
      }[] = [];
      for await (const batch of consumer) {
        for (const r of batch.records) {
          got.push({
            key: r.key,
            n: r.value?.n ?? -1,
            header: r.headers.find((h) => h.key === 'trace')?.value?.toString() ?? '',
            ts: r.timestamp,
            offset: r.offset,
            partition: r.partition,
          });
        }
        if (got.length >= 30) break;
      }
      got.sort((a, b) => a.n - b.n);
      expect(got.map((g) => g.n)).toEqual(Array.from({ length: 30 }, (_, n) => n));
      for (const g of got) {
        expect(g.key).toBe(`k${g.n % 5}`);
        expect(g.header).toBe(`h${g.n}`);
        expect(g.ts).toBe(1_700_000_000_000 + g.n);
        expect({ partition: g.partition, offset: g.offset }).toEqual({
          partition: sent[g.n].partition,
          offset: sent[g.n].offset,
        });
      }
      await consumer.close();
    });

    it('sends to an explicit partition and to several topics in one call, strings as UTF-8', async () => {
      const a = await topic(2);
      const b = await topic(1);
      const producer = client.producer();
      const meta = await producer.send(
        {
          topic: a,
          messages: [
            { value: 'x', partition: 1 },
            { value: 'y', partition: 1 },
          ],
        },
        { topic: b, messages: [{ value: 'ü' }] },
      );
      expect(meta.map((m) => [m.topic, m.partition, m.offset])).toEqual([
        [a, 1, 0],
        [a, 1, 1],
        [b, 0, 0],
      ]);
      const consumer = client.consumer({ 'auto.offset.reset': 'earliest', valueSerde: serdes.string });
      await consumer.assign([{ topic: b, partition: 0 }]);
      const [batch] = await firstValueFrom(consumer.observe().pipe(take(1), toArray()));
      expect(batch.records.map((r) => r.value)).toEqual(['ü']);
      await consumer.close();
    });

    it('keeps the order of sends in flight, also while the first one creates the topic', async () => {
      const t = name('auto');
      const producer = client.producer({ acks: 'all' });
      const sends = [0, 1, 2, 3].map((b) =>
        producer.send(
          t,
          [0, 1, 2].map((i) => ({ value: `${b}-${i}` })),
        ),
      );
      await Promise.all(sends);
      await producer.close();
      const consumer = client.consumer({ 'auto.offset.reset': 'earliest' });
      await consumer.assign([{ topic: t, partition: 0 }]);
      expect(await readValues(consumer, 12)).toEqual(
        [0, 1, 2, 3].flatMap((b) => [0, 1, 2].map((i) => `${b}-${i}`)),
      );
      await consumer.close();
    });

    it('shares partitions among the members of a group, each owned by exactly one', async () => {
      const t = await topic(6);
      const producer = client.producer();
      await producer.send(
        t,
        Array.from({ length: 600 }, (_, n) => ({ key: `k${n}`, value: String(n) })),
      );
      const groupId = name('g');
      const seen = new Map<string, number>();
      const consumers = [0, 1, 2].map(() => client.consumer({ groupId, 'auto.offset.reset': 'earliest' }));
      for (const c of consumers) {
        await c.subscribe(t);
        await c.run({
          eachMessage: async ({ message }) => {
            const v = message.value?.toString() ?? '';
            seen.set(v, (seen.get(v) ?? 0) + 1);
          },
        });
      }
      await until(
        () => consumers.every((c) => c.assignment().length === 2) && seen.size === 600,
        'all records',
      );
      const owned = consumers.flatMap((c) => c.assignment().map((tp) => tp.partition)).sort();
      expect(owned).toEqual([0, 1, 2, 3, 4, 5]);
      for (const c of consumers) await c.close();
    });

    it('skips no record across a rebalance when committing after processing', async () => {
      const t = await topic(4);
      const groupId = name('g');
      const producer = client.producer();
      const total = 2000;
      await producer.send(
        t,
        Array.from({ length: total / 2 }, (_, n) => ({ key: `k${n}`, value: String(n) })),
      );
      const seen = new Set<string>();
      const options = { groupId, 'auto.offset.reset': 'earliest', 'auto.commit.interval.ms': 50 } as const;
      const first = client.consumer(options);
      await first.subscribe(t);
      await first.run({
        eachMessage: async ({ message }) => {
          seen.add(message.value?.toString() ?? '');
        },
      });
      await until(() => seen.size > 100, 'the first member to read');
      const second = client.consumer(options);
      await second.subscribe(t);
      await second.run({
        eachMessage: async ({ message }) => {
          seen.add(message.value?.toString() ?? '');
        },
      });
      await producer.send(
        t,
        Array.from({ length: total / 2 }, (_, n) => ({ key: `k${n}`, value: String(total / 2 + n) })),
      );
      await first.close();
      await until(() => seen.size === total, 'every record');
      await second.close();
      const admin = client.admin();
      const [group] = await admin.describeGroups([groupId]);
      expect(group.offsets.reduce((sum, p) => sum + p.lag, 0)).toBe(0);
      expect(group.offsets.reduce((sum, p) => sum + p.committed, 0)).toBe(total);
    });

    it('keeps committed offsets across a restart', async () => {
      const t = await topic(2);
      const groupId = name('g');
      await client.producer().send(
        t,
        Array.from({ length: 100 }, (_, n) => ({ value: String(n), partition: n % 2 })),
      );
      const consumer = client.consumer({
        groupId,
        'auto.offset.reset': 'earliest',
        'enable.auto.commit': false,
      });
      await consumer.subscribe(t);
      const got = await readValues(consumer, 100);
      expect(got).toHaveLength(100);
      await consumer.commit([
        { topic: t, partition: 0, offset: 30 },
        { topic: t, partition: 1, offset: 40 },
      ]);
      await client.close();
      client = await backend.connect();
      const again = client.consumer({ groupId, 'auto.offset.reset': 'earliest' });
      expect(
        await again.committed([
          { topic: t, partition: 0 },
          { topic: t, partition: 1 },
        ]),
      ).toEqual([
        { topic: t, partition: 0, offset: 30 },
        { topic: t, partition: 1, offset: 40 },
      ]);
      await again.subscribe(t);
      const rest = await readValues(again, 30);
      expect(rest.map(Number).sort((a, b) => a - b)[0]).toBe(60);
      expect(rest).toHaveLength(30);
      await again.close();
    });

    it('moves a group where a reset says, with a dry run first', async () => {
      const t = await topic(1);
      const groupId = name('g');
      await client.producer().send(
        t,
        Array.from({ length: 50 }, (_, n) => ({ value: String(n) })),
      );
      const admin = client.admin();
      const consumer = client.consumer({ groupId, 'auto.offset.reset': 'earliest' });
      await consumer.subscribe(t);
      await readValues(consumer, 50);
      await consumer.close();
      const dry = await admin.resetOffsets({ groupId, target: { to: 'shift', by: -20 }, dryRun: true });
      expect(dry).toEqual([{ topic: t, partition: 0, current: 50, target: 30 }]);
      expect((await admin.describeGroups([groupId]))[0].offsets[0].committed).toBe(50);
      await admin.resetOffsets({ groupId, target: { to: 'offset', offset: 45 } });
      const again = client.consumer({ groupId });
      await again.subscribe(t);
      expect(await readValues(again, 5)).toEqual(['45', '46', '47', '48', '49']);
      await again.close();
      const clamped = await admin.resetOffsets({ groupId, topics: [t], target: { to: 'shift', by: -1000 } });
      expect(clamped[0].target).toBe(0);
    });

    it('refuses to reset a group with active members', async () => {
      const t = await topic(1);
      const groupId = name('g');
      const consumer = client.consumer({ groupId });
      await consumer.subscribe(t);
      await expect(
        client.admin().resetOffsets({ groupId, target: { to: 'earliest' } }),
      ).rejects.toMatchObject({
        code: 'NON_EMPTY_GROUP',
      });
      await consumer.close();
    });

    it('describes a group with members, assignments and lag', async () => {
      const t = await topic(2);
      const groupId = name('g');
      await client.producer().send(
        t,
        Array.from({ length: 10 }, (_, n) => ({ value: String(n), partition: n % 2 })),
      );
      const consumer = client.consumer({
        groupId,
        'enable.auto.commit': false,
        'auto.offset.reset': 'earliest',
      });
      await consumer.subscribe(t);
      await consumer.commit([{ topic: t, partition: 0, offset: 2 }]);
      const admin = client.admin();
      expect((await admin.listGroups()).map((g) => g.groupId)).toContain(groupId);
      const [group] = await admin.describeGroups([groupId]);
      expect(group.state).toBe('Stable');
      expect(group.protocol).toBe('range');
      expect(group.members).toHaveLength(1);
      expect(group.members[0].assignment).toHaveLength(2);
      const rows = group.offsets.map((o) => [o.partition, o.committed, o.endOffset, o.lag, o.memberId]);
      expect(rows).toEqual([
        [0, 2, 5, 3, group.members[0].memberId],
        [1, -1, 5, 5, group.members[0].memberId],
      ]);
      await consumer.close();
      await admin.deleteGroups([groupId]);
      await expect(admin.describeGroups([groupId])).rejects.toMatchObject({ code: 'GROUP_ID_NOT_FOUND' });
    });

    it('reads through the three styles: iterator, run({ eachBatch }) and observe(project)', async () => {
      const t = await topic(2);
      await client.producer().send(
        t,
        Array.from({ length: 200 }, (_, n) => ({ value: String(n), partition: n % 2 })),
      );
      const tps = [0, 1].map((partition) => ({ topic: t, partition }));
      const viaIterator = client.consumer({ 'auto.offset.reset': 'earliest', 'max.poll.records': 7 });
      await viaIterator.assign(tps);
      expect(new Set(await readValues(viaIterator, 200)).size).toBe(200);
      await viaIterator.close();

      const viaRun = client.consumer({ 'auto.offset.reset': 'earliest' });
      await viaRun.assign(tps);
      const batches: ConsumerBatch<Buffer | null, Buffer | null>[] = [];
      await viaRun.run({ eachBatch: async ({ batch }) => void batches.push(batch) });
      await until(() => batches.reduce((n, b) => n + b.records.length, 0) === 200, 'eachBatch');
      await viaRun.stop();
      await viaRun.close();

      const viaObserve = client.consumer({ 'auto.offset.reset': 'earliest' });
      await viaObserve.assign(tps);
      const values = await firstValueFrom(
        viaObserve
          .observe((batch) => from(batch.records.map((r) => r.value?.toString() ?? '')))
          .pipe(
            mergeMap((v) => [v]),
            take(200),
            toArray(),
          ),
      );
      expect(new Set(values).size).toBe(200);
      await viaObserve.close();
    });

    it('pauses and resumes a partition, and seeks', async () => {
      const t = await topic(2);
      await client.producer().send(
        t,
        Array.from({ length: 20 }, (_, n) => ({ value: String(n), partition: n % 2 })),
      );
      const consumer = client.consumer({ 'auto.offset.reset': 'earliest' });
      await consumer.assign([0, 1].map((partition) => ({ topic: t, partition })));
      consumer.pause([{ topic: t, partitions: [1] }]);
      expect(consumer.paused()).toEqual([{ topic: t, partition: 1 }]);
      const first = await readValues(consumer, 10);
      expect(first.every((v) => Number(v) % 2 === 0)).toBe(true);
      consumer.resume([{ topic: t }]);
      consumer.seek({ topic: t, partition: 0, offset: 8 });
      const rest = (await readValues(consumer, 12)).map(Number);
      expect(rest.filter((v) => v % 2 === 1)).toHaveLength(10);
      expect(rest.filter((v) => v % 2 === 0).sort((a, b) => a - b)).toEqual([16, 18]);
      await consumer.close();
    });

    it('administers topics: create, list, describe, add partitions, alter config, delete records, delete', async () => {
      const admin = client.admin();
      const t = name('t');
      await admin.createTopics([{ name: t, partitions: 2, config: { 'retention.ms': 60_000 } }]);
      expect(await admin.listTopics()).toContain(t);
      await expect(admin.createTopics([{ name: t }])).rejects.toMatchObject({ code: 'TOPIC_ALREADY_EXISTS' });
      await admin.createPartitions(t, 3);
      await admin.alterTopicConfig(t, { 'retention.ms': 120_000 });
      await client.producer().send(
        t,
        Array.from({ length: 10 }, (_, n) => ({ value: String(n), partition: 0 })),
      );
      const [info] = await admin.describeTopics([t]);
      expect(info.partitions.map((p) => p.highWatermark)).toEqual([10, 0, 0]);
      expect(info.config['retention.ms']).toBe(120_000);
      expect(await admin.deleteRecords(t, [{ partition: 0, before: 4 }])).toEqual([
        { partition: 0, logStartOffset: 4 },
      ]);
      await expect(admin.deleteRecords(t, [{ partition: 0, before: 11 }])).rejects.toBeInstanceOf(
        OffsetOutOfRangeError,
      );
      await admin.deleteTopics([t]);
      expect(await admin.listTopics()).not.toContain(t);
    });

    it('rejects bad input with typed errors', async () => {
      const admin = client.admin();
      await expect(admin.describeGroups([name('nobody')])).rejects.toBeInstanceOf(GroupError);
      await expect(admin.describeGroups([name('nobody')])).rejects.toMatchObject({
        code: 'GROUP_ID_NOT_FOUND',
      });
      const consumer = client.consumer({ groupId: name('g'), 'allow.auto.create.topics': false });
      await expect(consumer.subscribe(name('missing'))).rejects.toBeInstanceOf(UnknownTopicError);
      const t = await topic(1);
      await client.producer().send(t, [{ value: 'a' }, { value: 'b' }]);
      await expect(consumer.commit([{ topic: t, partition: 0, offset: 3 }])).rejects.toBeInstanceOf(
        OffsetOutOfRangeError,
      );
      await expect(consumer.commit([{ topic: t, partition: 0, offset: 3 }])).rejects.toThrow(
        /offset 3 is out of range for .*-0: valid offsets are 0 to 2/,
      );
      await consumer.close();
    });
  });
}
