import { describe, expect, it } from 'vitest';
import { embeddedClient } from '../../../src/client/embedded/index.js';
import type { ConsumerBatch, TopicPartition } from '../../../src/client/index.js';
import { serdes } from '../../../src/client/index.js';
import { BadInputError, NoOffsetError } from '../../../src/errors.js';
import { MemoryLog } from './memory-log.js';

async function until(condition: () => boolean, what: string, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 5));
  }
}

const names = (tps: TopicPartition[]) => tps.map((tp) => `${tp.topic}-${tp.partition}`).sort();

describe('client › embedded › consumer', () => {
  it('keeps unmoved partitions flowing under cooperative-sticky: only moved ones are revoked', async () => {
    const log = new MemoryLog();
    await log.createTopic('t', { partitions: 4 });
    const client = embeddedClient(log as never);
    const revokedFromA: TopicPartition[][] = [];
    const a = client.consumer({ groupId: 'coop', 'partition.assignment.strategy': ['cooperative-sticky'] });
    await a.subscribe('t', { onPartitionsRevoked: (tps) => void revokedFromA.push(tps) });
    expect(names(a.assignment())).toEqual(['t-0', 't-1', 't-2', 't-3']);
    const before = new Set(names(a.assignment()));
    const b = client.consumer({ groupId: 'coop', 'partition.assignment.strategy': ['cooperative-sticky'] });
    await b.subscribe('t');
    await until(() => a.assignment().length === 2 && b.assignment().length === 2, 'two partitions each');
    // A gave up exactly the two partitions B now owns, and nothing else, in one revocation.
    expect(revokedFromA).toHaveLength(1);
    expect(names(revokedFromA[0])).toEqual(names(b.assignment()));
    for (const kept of names(a.assignment())) expect(before.has(kept)).toBe(true);
    await client.close();
  });

  it('meets consumers of another client on the same log in one group', async () => {
    const log = new MemoryLog();
    await log.createTopic('t', { partitions: 2 });
    const one = embeddedClient(log as never);
    const two = embeddedClient(log as never);
    const a = one.consumer({ groupId: 'shared' });
    const b = two.consumer({ groupId: 'shared' });
    await a.subscribe('t');
    await b.subscribe('t');
    await until(() => a.assignment().length === 1 && b.assignment().length === 1, 'one partition each');
    expect([...names(a.assignment()), ...names(b.assignment())].sort()).toEqual(['t-0', 't-1']);
    await one.close();
    await until(() => b.assignment().length === 2, 'the survivor to take both');
    await two.close();
  });

  it('follows new topics that match a subscribed RegExp', async () => {
    const log = new MemoryLog();
    await log.createTopic('orders-eu', { partitions: 1 });
    const client = embeddedClient(log as never);
    const consumer = client.consumer({ groupId: 'regex', 'auto.offset.reset': 'earliest' });
    await consumer.subscribe(/^orders-/);
    expect(names(consumer.assignment())).toEqual(['orders-eu-0']);
    await log.createTopic('orders-us', { partitions: 1 });
    await log.createTopic('invoices', { partitions: 1 });
    await until(() => consumer.assignment().length === 2, 'the new topic', 5000);
    expect(names(consumer.assignment())).toEqual(['orders-eu-0', 'orders-us-0']);
    await client.close();
  });

  it('raises NoOffsetError with auto.offset.reset=none and no committed offset', async () => {
    const log = new MemoryLog();
    await log.createTopic('t', { partitions: 1 });
    const client = embeddedClient(log as never);
    const consumer = client.consumer({ groupId: 'strict', 'auto.offset.reset': 'none' });
    await consumer.subscribe('t');
    const iterator = consumer[Symbol.asyncIterator]();
    await expect(iterator.next()).rejects.toBeInstanceOf(NoOffsetError);
    await client.close();
  });

  it('names the record a serde refuses, and reads on after a seek past it', async () => {
    const log = new MemoryLog();
    await log.createTopic('t', { partitions: 1 });
    const client = embeddedClient(log as never);
    await client.producer().send('t', [{ value: '{"n":1}' }, { value: 'oops' }, { value: '{"n":3}' }]);
    const consumer = client.consumer({
      valueSerde: serdes.json<{ n: number }>(),
      'auto.offset.reset': 'earliest',
    });
    await consumer.assign([{ topic: 't', partition: 0 }]);
    const iterator = consumer[Symbol.asyncIterator]();
    const first: ConsumerBatch<Buffer | null, { n: number } | null> = (await iterator.next()).value;
    expect(first.records.map((r) => r.value?.n)).toEqual([1]);
    const failure = await iterator.next().catch((e: unknown) => e);
    expect(failure).toBeInstanceOf(BadInputError);
    expect((failure as Error).message).toMatch(/record t-0@1 cannot be deserialized .*seek past offset 1/);
    consumer.seek({ topic: 't', partition: 0, offset: 2 });
    const rest = consumer[Symbol.asyncIterator]();
    const after: ConsumerBatch<Buffer | null, { n: number } | null> = (await rest.next()).value;
    expect(after.records.map((r) => r.value?.n)).toEqual([3]);
    await client.close();
  });

  it('refuses commits without a group, seeks of unowned partitions and two reads at once', async () => {
    const log = new MemoryLog();
    await log.createTopic('t', { partitions: 1 });
    const client = embeddedClient(log as never);
    const consumer = client.consumer();
    await consumer.assign([{ topic: 't', partition: 0 }]);
    await expect(consumer.commit()).rejects.toMatchObject({ code: 'INVALID_CONFIG' });
    expect(() => consumer.seek({ topic: 't', partition: 3, offset: 0 })).toThrow(/does not own it/);
    await consumer.run({ eachMessage: async () => {} });
    expect(() => consumer[Symbol.asyncIterator]()).toThrow(/run\(\) is reading; stop\(\) it first/);
    await consumer.stop();
    expect(consumer[Symbol.asyncIterator]()).toBeDefined();
    await client.close();
  });

  it('redelivers the records a failing eachMessage did not finish', async () => {
    const log = new MemoryLog();
    await log.createTopic('t', { partitions: 1 });
    const client = embeddedClient(log as never);
    await client.producer().send(
      't',
      ['a', 'b', 'c'].map((value) => ({ value })),
    );
    const consumer = client.consumer({ 'auto.offset.reset': 'earliest', valueSerde: serdes.string });
    const handled: string[] = [];
    let failOnce = true;
    await consumer.assign([{ topic: 't', partition: 0 }]);
    await consumer.run({
      eachMessage: async ({ message }) => {
        if (message.value === 'b' && failOnce) {
          failOnce = false;
          throw new Error('transient');
        }
        handled.push(message.value ?? '');
      },
    });
    await until(() => handled.length === 3, 'all three');
    expect(handled).toEqual(['a', 'b', 'c']);
    await client.close();
  });

  it('ends a for-await loop that is waiting for records when stop() is called', async () => {
    const log = new MemoryLog();
    await log.createTopic('t', { partitions: 1 });
    const client = embeddedClient(log as never);
    await client.producer().send('t', [{ value: 'a' }]);
    const consumer = client.consumer({ 'auto.offset.reset': 'earliest', valueSerde: serdes.string });
    await consumer.assign([{ topic: 't', partition: 0 }]);
    const seen: string[] = [];
    const loop = (async () => {
      for await (const batch of consumer) for (const r of batch.records) seen.push(r.value ?? '');
      return 'ended';
    })();
    await until(() => seen.length === 1, 'the one record');
    // The loop now waits in next() for a record that never comes; stop() must end it, not leave it hanging.
    await consumer.stop();
    expect(await loop).toBe('ended');
    expect(seen).toEqual(['a']);
    // The consumer reads again afterwards, from where the loop stopped.
    await client.producer().send('t', [{ value: 'b' }]);
    const next = await consumer[Symbol.asyncIterator]().next();
    expect(next.value.records.map((r: { value: string }) => r.value)).toEqual(['b']);
    await client.close();
  });

  it('delivers again a batch an abandoned iterator never finished', async () => {
    const log = new MemoryLog();
    await log.createTopic('t', { partitions: 1 });
    const client = embeddedClient(log as never);
    await client.producer().send(
      't',
      ['a', 'b'].map((value) => ({ value })),
    );
    const consumer = client.consumer({ 'auto.offset.reset': 'earliest', valueSerde: serdes.string });
    await consumer.assign([{ topic: 't', partition: 0 }]);
    const iterator = consumer[Symbol.asyncIterator]();
    const held: ConsumerBatch<Buffer | null, string | null> = (await iterator.next()).value;
    expect(held.records.map((r) => r.value)).toEqual(['a', 'b']);
    await consumer.stop();
    const again: string[] = [];
    await consumer.run({ eachMessage: async ({ message }) => void again.push(message.value ?? '') });
    await until(() => again.length === 2, 'the held batch again');
    expect(again).toEqual(['a', 'b']);
    await client.close();
  });
});
