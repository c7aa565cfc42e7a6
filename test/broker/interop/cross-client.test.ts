import { randomUUID } from 'node:crypto';
import { Kafka, logLevel } from 'kafkajs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { type InteropBroker, startInteropBroker } from './interop-broker.js';
import { run } from './run-process.js';

process.env.KAFKAJS_NO_PARTITIONER_WARNING = '1';

let broker: InteropBroker;
const topic = `cross-${randomUUID().slice(0, 8)}`;

beforeAll(async () => {
  broker = await startInteropBroker();
  await broker.log.createTopic(topic, { partitions: 1 });
});

afterAll(async () => {
  await broker?.stop();
});

/** What every reader must report: offset, key and value of each record, in order. */
type Row = [number, string, string];

async function readWithKcat(): Promise<Row[]> {
  const { stdout } = await run('/usr/bin/kcat', [
    '-b',
    broker.bootstrap,
    '-C',
    '-t',
    topic,
    '-p',
    '0',
    '-o',
    'beginning',
    '-e',
    '-f',
    '%o\t%k\t%s\n',
  ]);
  return stdout
    .trim()
    .split('\n')
    .map((line) => {
      const [o, k, v] = line.split('\t');
      return [Number(o), k, v];
    });
}

async function readWithKafkajs(kafka: Kafka, expected: number): Promise<Row[]> {
  const consumer = kafka.consumer({ groupId: `cross-${randomUUID()}`, maxWaitTimeInMs: 100 });
  await consumer.connect();
  await consumer.subscribe({ topic, fromBeginning: true });
  const rows: Row[] = [];
  await new Promise<void>((resolve) => {
    void consumer.run({
      eachMessage: async ({ message }) => {
        rows.push([Number(message.offset), message.key!.toString(), message.value!.toString()]);
        if (rows.length === expected) resolve();
      },
    });
  });
  await consumer.disconnect();
  return rows;
}

async function readWithPython(): Promise<Row[]> {
  const { stdout, stderr } = await run(
    '/usr/bin/python3',
    [
      '-c',
      `
import json, os
from kafka import KafkaConsumer, TopicPartition
c = KafkaConsumer(bootstrap_servers=os.environ['BOOTSTRAP'], consumer_timeout_ms=3000, auto_offset_reset='earliest')
c.assign([TopicPartition('${topic}', 0)])
print(json.dumps([[m.offset, m.key.decode(), m.value.decode()] for m in c]))
c.close()
`,
    ],
    { env: { ...process.env, BOOTSTRAP: broker.bootstrap } },
  );
  expect(stderr).not.toMatch(/Traceback/);
  return JSON.parse(stdout.trim().split('\n').pop()!);
}

describe('broker › interop › cross-client', () => {
  it('records produced by kcat, kafkajs and kafka-python read the same through every client and the log', async () => {
    await run('/usr/bin/kcat', ['-b', broker.bootstrap, '-P', '-t', topic, '-p', '0', '-K', ':'], {
      input: 'kcat-1:from kcat\nkcat-2:ünïcödé\n',
    });
    const kafka = new Kafka({ brokers: [broker.bootstrap], logLevel: logLevel.NOTHING });
    const producer = kafka.producer();
    await producer.connect();
    await producer.send({
      topic,
      messages: [
        { key: 'kafkajs-1', value: 'from kafkajs', partition: 0 },
        { key: 'kafkajs-2', value: 'x'.repeat(3000), partition: 0 },
      ],
    });
    await producer.disconnect();
    const py = await run(
      '/usr/bin/python3',
      [
        '-c',
        `
import os
from kafka import KafkaProducer
p = KafkaProducer(bootstrap_servers=os.environ['BOOTSTRAP'], acks='all')
p.send('${topic}', partition=0, key=b'python-1', value='from kafka-python'.encode()).get(timeout=10)
p.close()
`,
      ],
      { env: { ...process.env, BOOTSTRAP: broker.bootstrap } },
    );
    expect(py.code).toBe(0);

    const expected: Row[] = [
      [0, 'kcat-1', 'from kcat'],
      [1, 'kcat-2', 'ünïcödé'],
      [2, 'kafkajs-1', 'from kafkajs'],
      [3, 'kafkajs-2', 'x'.repeat(3000)],
      [4, 'python-1', 'from kafka-python'],
    ];
    const embedded = await broker.log.readRecords(topic, 0, 0);
    expect(embedded.records.map((r) => [r.offset, r.key!.toString(), r.value!.toString()])).toEqual(expected);
    expect(await readWithKcat()).toEqual(expected);
    expect(await readWithKafkajs(kafka, expected.length)).toEqual(expected);
    expect(await readWithPython()).toEqual(expected);
  });
});
