import fs from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { Kafka, logLevel } from 'kafkajs';
import pino from 'pino';
import { afterAll, describe, expect, it } from 'vitest';
import { type RunningBroker, runBroker } from '../../src/broker/index.js';
import { ERROR_CODES } from '../../src/broker/protocol/error-codes.js';
import { WireClient } from './helpers/wire-client.js';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';
const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'sluice-autocreate-'));
let broker: RunningBroker | undefined;
const openDescriptors = () => fs.readdirSync('/proc/self/fd').length;
const start = () =>
  runBroker({
    logDir: dir,
    config: { listen: '127.0.0.1:0', 'log.max.open.files': 128 },
    logger: pino({ level: 'silent' }),
  });

afterAll(async () => {
  await broker?.close();
  fs.rmSync(dir, { recursive: true, force: true });
});

interface MetadataResponse {
  topics: { name: string; errorCode: number }[];
}

describe('broker › auto-creation limits', () => {
  it('creates at most auto.create.topics.max.per.request topics for a Metadata v1 naming 5,000', {
    timeout: 120_000,
  }, async () => {
    broker = await start();
    const before = openDescriptors();
    const client = await WireClient.connect(Number(broker.bootstrap.split(':')[1]));
    const names = Array.from({ length: 5000 }, (_, i) => `auto-${i}`);
    const res = await client.request<MetadataResponse>(3, 1, { topics: names.map((name) => ({ name })) });
    const created = res.topics.filter((t) => t.errorCode === 0);
    expect(created).toHaveLength(100);
    expect(res.topics.filter((t) => t.errorCode === ERROR_CODES.UNKNOWN_TOPIC_OR_PARTITION)).toHaveLength(
      4900,
    );
    expect(broker.log.listTopics().filter((t) => t.startsWith('auto-'))).toHaveLength(100);
    expect(openDescriptors() - before).toBeLessThanOrEqual(128 + 16);
    client.close();

    // A well-formed client is still served.
    const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({ topic: 'auto-0', messages: [{ value: 'still served' }] });
    await producer.disconnect();

    // And the log directory reopens.
    await broker.close();
    broker = await start();
    const read = await broker.log.readRecords('auto-0', 0, 0);
    expect(read.records.map((r) => r.value!.toString())).toEqual(['still served']);
  });
});
