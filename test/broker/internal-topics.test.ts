import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { afterEach, describe, expect, it } from 'vitest';
import { type RunningBroker, runBroker } from '../../src/broker/index.js';
import { ERROR_CODES } from '../../src/broker/protocol/error-codes.js';
import {
  encodeOffsetCommitKey,
  encodeOffsetCommitValue,
  groupPartition,
} from '../../src/group/offsets-topic-records.js';
import { Log } from '../../src/log/index.js';
import { memoryLogger } from '../log/helpers.js';
import { WireClient } from './helpers/wire-client.js';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

const dirs: string[] = [];
let broker: RunningBroker | undefined;

afterEach(async () => {
  await broker?.close();
  broker = undefined;
  for (const d of dirs.splice(0)) fs.rmSync(d, { recursive: true, force: true });
});

function tempDir(): string {
  const d = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-internal-'));
  dirs.push(d);
  return d;
}

const start = (dir: string, logger = pino({ level: 'silent' })) =>
  runBroker({ logDir: dir, config: { listen: '127.0.0.1:0' }, logger });

async function committed(b: RunningBroker, group: string, topic: string): Promise<number[]> {
  const offsets = await b.groups.fetchOffsets(group, [{ topic, partition: 0 }]);
  return offsets.map((o) => o.offset);
}

async function commitOne(b: RunningBroker, group: string, topic: string, offset: number): Promise<void> {
  await b.log.createTopic(topic, { partitions: 1 });
  await b.log.append(
    topic,
    0,
    Array.from({ length: 10 }, () => ({ key: null, value: Buffer.from('x') })),
  );
  const results = await b.groups.commitOffsets({
    groupId: group,
    generationId: -1,
    memberId: '',
    offsets: [{ topic, partition: 0, offset, leaderEpoch: -1, metadata: null }],
  });
  expect(results.map((r) => r.error ?? null)).toEqual([null]);
}

describe('broker › internal topics', () => {
  it('refuses a client produce to __consumer_offsets, so a forged commit cannot move another group', async () => {
    const dir = tempDir();
    broker = await start(dir);
    await commitOne(broker, 'victim', 'orders', 1);
    const kafka = new Kafka({
      brokers: [broker.bootstrap],
      logLevel: logLevel.NOTHING,
      retry: { retries: 0 },
    });
    const producer = kafka.producer();
    await producer.connect();
    const forged = {
      key: encodeOffsetCommitKey('victim', 'orders', 0),
      value: encodeOffsetCommitValue({
        offset: 999,
        leaderEpoch: -1,
        metadata: '',
        commitTimestamp: Date.now(),
      }),
      partition: groupPartition('victim', 50),
    };
    await expect(producer.send({ topic: '__consumer_offsets', messages: [forged] })).rejects.toThrow(
      /internal topic|invalid/i,
    );
    await producer.disconnect();
    // Nor may a client delete its records.
    const wire = await WireClient.connect(broker.server.address.port);
    const p = groupPartition('victim', 50);
    const res = await wire.request<{ topics: { partitions: { errorCode: number }[] }[] }>(21, 1, {
      topics: [{ name: '__consumer_offsets', partitions: [{ partitionIndex: p, offset: -1 }] }],
      timeoutMs: 1000,
    });
    wire.close();
    expect(res.topics[0]!.partitions[0]!.errorCode).toBe(ERROR_CODES.INVALID_TOPIC_EXCEPTION);
    expect(broker.log.offsets('__consumer_offsets', p).logStartOffset).toBe(0);
    // Also after a restart, when the coordinator replays the topic.
    await broker.close();
    broker = await start(dir);
    expect(await committed(broker, 'victim', 'orders')).toEqual([1]);
  });

  it('starts when a stored __consumer_offsets record does not decode, skipping it with a warning', async () => {
    const dir = tempDir();
    broker = await start(dir);
    await commitOne(broker, 'victim', 'orders', 7);
    await broker.close();
    broker = undefined;
    // A record with a truncated key, as a client could write before produce to internal topics was refused.
    const log = await Log.open({ dir, logger: pino({ level: 'silent' }) });
    const p = groupPartition('victim', 50);
    const key = encodeOffsetCommitKey('victim', 'orders', 0).subarray(0, 5);
    await log.append('__consumer_offsets', p, [{ key, value: Buffer.from([0, 3, 1]) }]);
    await log.close();
    const { logger, lines } = memoryLogger();
    broker = await start(dir, logger);
    expect(lines.some((l) => String(l.msg).includes('does not decode'))).toBe(true);
    expect(await committed(broker, 'victim', 'orders')).toEqual([7]);
  });
});
