import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { connect } from '../../../src/client/connect.js';
import type { Consumer } from '../../../src/client/consumer.js';
import { kafkaClient } from '../../../src/client/kafka/index.js';
import type { Client } from '../../../src/client/types.js';

/** What `consumer` (assigned to t-0 from 0) delivers within `ms`, as strings; closes it. */
async function drain(consumer: Consumer<Buffer | null, Buffer | null>, ms = 400): Promise<string[]> {
  const out: string[] = [];
  const batches = consumer[Symbol.asyncIterator]();
  const deadline = Date.now() + ms;
  for (let left = ms; left > 0; left = deadline - Date.now()) {
    const next = await Promise.race([
      batches.next(),
      new Promise<null>((r) => setTimeout(() => r(null), left)),
    ]);
    if (next === null || next.done) break;
    for (const r of next.value.records) out.push(r.value!.toString());
  }
  await consumer.close();
  return out;
}

describe('client › embedded › transactions', () => {
  let dir: string;
  let client: Client;
  beforeEach(async () => {
    dir = await mkdtemp(join(tmpdir(), 'sluice-txn-'));
    client = await connect({ log: { dir } });
    await client.admin().createTopics([
      { name: 't', partitions: 1 },
      { name: 'in', partitions: 1 },
    ]);
  });
  afterEach(async () => {
    await client.close();
    await rm(dir, { recursive: true, force: true });
  });

  function reader(isolation: 'read_committed' | 'read_uncommitted') {
    const consumer = client.consumer({ 'isolation.level': isolation, 'fetch.max.wait.ms': 20 });
    return consumer.assign([{ topic: 't', partition: 0 }]).then(() => {
      consumer.seek({ topic: 't', partition: 0, offset: 0 });
      return consumer;
    });
  }

  it('delivers a transaction to read_committed consumers only once it commits, and an aborted one never', async () => {
    const producer = client.producer<null, string>({ 'transactional.id': 'tx', valueSerde: stringSerde });
    const first = await producer.transaction();
    await first.send('t', [{ value: 'a' }, { value: 'b' }]);
    expect(await drain(await reader('read_committed'))).toEqual([]);
    expect(await drain(await reader('read_uncommitted'))).toEqual(['a', 'b']);
    await first.commit();
    expect(first.isActive()).toBe(false);

    const second = await producer.transaction();
    await second.send('t', { value: 'dropped' });
    await second.abort();
    const third = await producer.transaction();
    await third.send('t', { value: 'c' });
    await third.commit();

    expect(await drain(await reader('read_committed'))).toEqual(['a', 'b', 'c']);
    expect(await drain(await reader('read_uncommitted'))).toEqual(['a', 'b', 'dropped', 'c']);
    await producer.close();
  });

  it('makes offsets sent with a transaction the group committed offsets only when it commits', async () => {
    const producer = client.producer({ 'transactional.id': 'tx' });
    const committed = async () => {
      const consumer = client.consumer({ groupId: 'g' });
      const [offset] = await consumer.committed([{ topic: 'in', partition: 0 }]);
      await consumer.close();
      return offset?.offset;
    };
    const aborted = await producer.transaction();
    await aborted.send('t', { value: Buffer.from('x') });
    await aborted.sendOffsets({ consumerGroupId: 'g', offsets: [{ topic: 'in', partition: 0, offset: 0 }] });
    await aborted.abort();
    expect(await committed()).toBe(-1);

    const txn = await producer.transaction();
    await txn.sendOffsets({ consumerGroupId: 'g', offsets: [{ topic: 'in', partition: 0, offset: 0 }] });
    expect(await committed()).toBe(-1);
    await txn.commit();
    expect(await committed()).toBe(0);
    await producer.close();

    // And after a reopen: the committed offset is replayed, the aborted one is not.
    await client.close();
    client = await connect({ log: { dir } });
    expect(await committed()).toBe(0);
  });

  it('fences the older producer of a transactional id, and refuses sends outside a transaction', async () => {
    const zombie = client.producer({ 'transactional.id': 'tx' });
    const open = await zombie.transaction();
    await open.send('t', { value: Buffer.from('zombie') });
    const fresh = client.producer({ 'transactional.id': 'tx' });
    const txn = await fresh.transaction();
    await expect(open.send('t', { value: Buffer.from('late') })).rejects.toMatchObject({
      code: 'PRODUCER_FENCED',
    });
    await expect(open.commit()).rejects.toMatchObject({ code: 'PRODUCER_FENCED' });
    await txn.send('t', { value: Buffer.from('fresh') });
    await txn.commit();
    expect(await drain(await reader('read_committed'))).toEqual(['fresh']);

    await expect(fresh.send('t', { value: Buffer.from('outside') })).rejects.toMatchObject({
      code: 'INVALID_TXN_STATE',
    });
    await expect(client.producer().transaction()).rejects.toMatchObject({
      code: 'INVALID_CONFIG',
      key: 'transactional.id',
    });
  });

  it('aborts the open transaction when the producer closes', async () => {
    const producer = client.producer({ 'transactional.id': 'tx' });
    const txn = await producer.transaction();
    await txn.send('t', { value: Buffer.from('never') });
    await producer.close();
    const offsets = await client.admin().partitionOffsets('t');
    expect(offsets[0].highWatermark).toBe(2); // the record and the abort marker
    expect(await drain(await reader('read_committed'))).toEqual([]);
  });
});

describe('client › kafka › transactions', () => {
  it('refuses transactional.id with a ConfigError naming the option', async () => {
    const client = kafkaClient({ brokers: ['127.0.0.1:1'] });
    try {
      expect(() => client.producer({ 'transactional.id': 'tx' })).toThrow(
        expect.objectContaining({ code: 'INVALID_CONFIG', key: 'transactional.id' }),
      );
    } finally {
      await client.close();
    }
  });
});

const stringSerde = {
  serialize: (value: string) => Buffer.from(value),
  deserialize: (bytes: Buffer | null) => bytes?.toString() ?? '',
};
