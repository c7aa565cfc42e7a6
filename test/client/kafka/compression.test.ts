import { randomUUID } from 'node:crypto';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import pino from 'pino';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type RunningBroker, runBroker } from '../../../src/broker/index.js';
import { connect } from '../../../src/client/connect.js';
import { COMPRESSION_TYPES } from '../../../src/log/index.js';

let dir: string;
let broker: RunningBroker;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'sluice-kafka-compression-'));
  broker = await runBroker({
    logDir: dir,
    config: { listen: '127.0.0.1:0' },
    logger: pino({ level: process.env.SLUICE_TEST_LOG ?? 'silent' }),
  });
});

afterAll(async () => {
  await broker?.close();
  await rm(dir, { recursive: true, force: true });
});

describe('client › kafka › compression', { timeout: 90_000 }, () => {
  it.each(COMPRESSION_TYPES)('writes compression.type %s batches and reads them back', async (type) => {
    const topic = `z-${type}-${randomUUID().slice(0, 8)}`;
    await broker.log.createTopic(topic, { partitions: 1 });
    const client = await connect({ log: { brokers: [broker.bootstrap] } });
    const values = Array.from({ length: 50 }, (_, i) => `value ${i} ${'compressible '.repeat(i % 7)}end`);
    const producer = client.producer({ 'compression.type': type, 'linger.ms': 10 });
    await producer.send(
      topic,
      values.map((value, i) => ({ key: `k${i}`, value, partition: 0 })),
    );
    await producer.close();
    const read = await broker.log.read(topic, 0, 0);
    const codecs = new Set<number>();
    for (let at = 0; at < read.records.length; at += 12 + read.records.readInt32BE(at + 8)) {
      codecs.add(read.records.readInt16BE(at + 21) & 0x07);
    }
    expect(codecs).toEqual(new Set([COMPRESSION_TYPES.indexOf(type)]));
    const consumer = client.consumer({ 'auto.offset.reset': 'earliest' });
    await consumer.assign([{ topic, partition: 0 }]);
    const got: string[] = [];
    for await (const batch of consumer) {
      for (const r of batch.records) got.push(`${r.key}|${r.value}`);
      if (got.length >= values.length) void consumer.stop();
    }
    await consumer.close();
    expect(got).toEqual(values.map((v, i) => `k${i}|${v}`));
    await client.close();
  });
});
