import { rm } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { embeddedClient } from '../../../src/client/embedded/index.js';
import { partitionForKey } from '../../../src/log/index.js';
import { openLog, tempDir } from '../../log/helpers.js';
import { MemoryLog } from './memory-log.js';

/** A log whose appends wait until the test opens the gate, counting what reached it. */
class GatedLog extends MemoryLog {
  handed = 0;
  calls = 0;
  private release!: () => void;
  private readonly gate = new Promise<void>((resolve) => {
    this.release = resolve;
  });
  open(): void {
    this.release();
  }
  override async append(...args: Parameters<MemoryLog['append']>) {
    this.handed += args[2].length;
    this.calls++;
    await this.gate;
    return super.append(...args);
  }
}

const tick = () => new Promise((resolve) => setTimeout(resolve, 20));

describe('client › embedded › producer', () => {
  it('waits in send when buffer.memory is full instead of queueing without bound', async () => {
    const log = new GatedLog();
    await log.createTopic('t', { partitions: 1 });
    const client = embeddedClient(log as never);
    const producer = client.producer({ 'buffer.memory': 10 * 1024, 'batch.size': 4096, 'linger.ms': 0 });
    const value = Buffer.alloc(1000);
    const sending = producer.send(
      't',
      Array.from({ length: 100 }, () => ({ value })),
    );
    let resolved = false;
    void sending.then(() => {
      resolved = true;
    });
    await tick();
    // Only what fits in 10 KiB was accepted; the rest waits in `send` for room.
    expect(log.handed).toBeLessThanOrEqual(11);
    expect(resolved).toBe(false);
    log.open();
    const metadata = await sending;
    expect(metadata.map((m) => m.offset)).toEqual(Array.from({ length: 100 }, (_, i) => i));
    expect(log.calls).toBeGreaterThan(5);
    await client.close();
  });

  it('gathers records per partition into batches of batch.size, in order', async () => {
    const log = new MemoryLog();
    await log.createTopic('t', { partitions: 2 });
    const client = embeddedClient(log as never);
    const producer = client.producer({ 'batch.size': 1_000_000, 'linger.ms': 20 });
    const sends = [0, 1, 2, 3].map((i) =>
      producer.send(
        't',
        Array.from({ length: 50 }, (_, n) => ({ value: `${i}-${n}`, partition: n % 2 })),
      ),
    );
    const results = (await Promise.all(sends)).flat();
    // 4 sends × 2 partitions arrived within one linger: one append per partition.
    expect(log.appends).toBe(2);
    const p0 = results.filter((m) => m.partition === 0).map((m) => m.offset);
    expect(p0).toEqual(Array.from({ length: 100 }, (_, i) => i));
    const stored = (await log.readRecords('t', 0, 0)).records.map((r) => r.value?.toString());
    expect(stored.slice(0, 3)).toEqual(['0-0', '0-2', '0-4']);
    expect(stored[25]).toBe('1-0');
    await client.close();
  });

  it('starts a new batch before a record that would take the batch past batch.size', async () => {
    // A topic that takes batches up to batch.size: a batch sealed only after it passed batch.size would be refused.
    const dir = tempDir();
    const log = await openLog(dir);
    await log.createTopic('t', { partitions: 1, config: { 'max.message.bytes': 10_000 } });
    const client = embeddedClient(log);
    const producer = client.producer({ 'batch.size': 9_500, 'linger.ms': 50 });
    const value = Buffer.alloc(3_000, 0x61);
    const metadata = await producer.send(
      't',
      Array.from({ length: 20 }, () => ({ value })),
    );
    expect(metadata.map((m) => m.offset)).toEqual(Array.from({ length: 20 }, (_, i) => i));
    await client.close();
    await log.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('writes batches in the compression.type it is given, unless the topic names its own codec', async () => {
    const dir = tempDir();
    const log = await openLog(dir);
    const client = embeddedClient(log);
    const value = Buffer.alloc(2_000, 'compressible ');
    const codecOfBatches = async (topic: string) => {
      const read = await log.read(topic, 0, 0);
      const codecs: number[] = [];
      for (let at = 0; at < read.records.length; at += 12 + read.records.readInt32BE(at + 8)) {
        codecs.push(read.records.readInt16BE(at + 21) & 0x07);
      }
      return codecs;
    };
    for (const [index, type] of (['none', 'gzip', 'snappy', 'lz4', 'zstd'] as const).entries()) {
      const producer = client.producer({ 'compression.type': type, 'linger.ms': 0 });
      await producer.send(type, [{ value }, { value, key: Buffer.from('k') }]);
      await producer.close();
      expect(await codecOfBatches(type)).toEqual([index]);
      const read = await log.readRecords(type, 0, 0);
      expect(read.records.map((r) => r.value)).toEqual([value, value]);
    }
    await log.createTopic('forced', { partitions: 1, config: { 'compression.type': 'zstd' } });
    const gzip = client.producer({ 'compression.type': 'gzip', 'linger.ms': 0 });
    await gzip.send('forced', [{ value }]);
    await gzip.close();
    expect(await codecOfBatches('forced')).toEqual([4]);
    expect(() => client.producer({ 'compression.type': 'brotli' as never })).toThrowError(
      /compression\.type/,
    );
    await client.close();
    await log.close();
    await rm(dir, { recursive: true, force: true });
  });

  it("places keyed records with the log's partitioner and keyless ones on one partition per batch", async () => {
    const log = new MemoryLog();
    await log.createTopic('t', { partitions: 5 });
    const client = embeddedClient(log as never);
    const producer = client.producer({ 'linger.ms': 50 });
    const keyed = await producer.send('t', [
      { key: 'alpha', value: '1' },
      { key: 'beta', value: '2' },
    ]);
    expect(keyed.map((m) => m.partition)).toEqual([
      partitionForKey(Buffer.from('alpha'), 5),
      partitionForKey(Buffer.from('beta'), 5),
    ]);
    const keyless = await producer.send(
      't',
      Array.from({ length: 20 }, (_, n) => ({ value: String(n) })),
    );
    expect(new Set(keyless.map((m) => m.partition)).size).toBe(1);
    await client.close();
  });

  it('rejects a bad partition and a failing serde without sending anything', async () => {
    const log = new MemoryLog();
    await log.createTopic('t', { partitions: 2 });
    const client = embeddedClient(log as never);
    const producer = client.producer();
    await expect(producer.send('t', [{ value: 'ok' }, { value: 'x', partition: 2 }])).rejects.toThrow(
      'topic "t" has 2 partitions; partition 2 does not exist',
    );
    const strict = client.producer({
      valueSerde: {
        serialize: (v: number) => {
          if (v < 0) throw new Error('negative');
          return Buffer.from(String(v));
        },
        deserialize: (b) => Number(b?.toString()),
      },
    });
    await expect(strict.send('t', [{ value: 1 }, { value: -1 }])).rejects.toMatchObject({
      code: 'BAD_INPUT',
    });
    await producer.flush();
    expect(log.offsets('t', 0).highWatermark + log.offsets('t', 1).highWatermark).toBe(0);
    await client.close();
    await expect(producer.send('t', [{ value: 'late' }])).rejects.toMatchObject({ code: 'CLIENT_CLOSED' });
  });

  it('creates a missing topic on first send when allowed, and refuses when not', async () => {
    const log = new MemoryLog();
    const client = embeddedClient(log as never, { defaultPartitions: 3 });
    await client.producer().send('fresh', [{ value: 'a' }]);
    expect(log.describeTopic('fresh').partitions).toBe(3);
    await expect(
      client.producer({ 'allow.auto.create.topics': false }).send('absent', [{ value: 'a' }]),
    ).rejects.toMatchObject({ code: 'UNKNOWN_TOPIC_OR_PARTITION' });
    await client.close();
  });

  it('places a call at once only when no earlier call still waits, so calls keep their order in a partition', async () => {
    const log = new MemoryLog();
    const client = embeddedClient(log as never, { defaultPartitions: 1 });
    const producer = client.producer({ 'linger.ms': 0 });
    // The first call waits for its topic to be created; the second could be placed at once, but must not overtake.
    const first = producer.send('fresh', [{ value: 'a' }, { value: 'b' }]);
    const second = producer.sendBatch('fresh', [{ value: 'c' }]);
    const [metadata] = await Promise.all([first, second]);
    expect(metadata.map((m) => m.offset)).toEqual([0, 1]);
    // Now the topic exists: calls are placed as they are made, and still in order.
    await Promise.all([
      producer.sendBatch('fresh', [{ value: 'd' }]),
      producer.send('fresh', [{ value: 'e' }]),
      producer.sendBatch('fresh', [{ value: 'f' }]),
    ]);
    const stored = log.topics.get('fresh')!.partitions[0]!.records;
    expect(stored.map((r) => r.value!.toString())).toEqual(['a', 'b', 'c', 'd', 'e', 'f']);
    await client.close();
  });
});
