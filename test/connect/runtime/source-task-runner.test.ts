import { afterEach, describe, expect, it } from 'vitest';
import { z } from 'zod';
import { connect, type RecordMetadata } from '../../../src/client/index.js';
import {
  defineSourceConnector,
  EndOfInputError,
  type SourceRecord,
  type SourceTask,
} from '../../../src/connect/index.js';
import { parseWorkerConfig, Worker } from '../../../src/connect/runtime/index.js';
import { Harness, quietLogger } from '../conformance/harness.js';

interface Acknowledged {
  value: string;
  /** The topic the task asked for, to check the metadata against. */
  topic: string;
  metadata: RecordMetadata | null;
}

/** The value format each started task was told. */
const formats: (string | undefined)[] = [];

/** A source that hands out `polls` (one array of `[topic, partition, value]` per poll), then ends. */
function scriptedSource(polls: [topic: string, partition: number, value: string][][], acks: Acknowledged[]) {
  return defineSourceConnector({
    name: 'Scripted',
    kind: 'source',
    version: '1',
    description: 'hands out fixed polls',
    config: z.object({}).strict(),
    taskConfigs: (config) => [config],
    createTask(): SourceTask<unknown> {
      let next = 0;
      let position = 0;
      return {
        async start(_config, context) {
          formats.push(context.valueFormat);
        },
        async poll(): Promise<SourceRecord[]> {
          const poll = polls[next++];
          if (poll === undefined) throw new EndOfInputError('done');
          return poll.map(([topic, partition, value]) => ({
            topic,
            kafkaPartition: partition,
            key: null,
            value,
            sourcePartition: { script: 'a' },
            sourceOffset: { position: ++position },
          }));
        },
        async commitRecord(record, metadata) {
          acks.push({ value: String(record.value), topic: record.topic, metadata });
        },
        async stop() {},
      };
    },
  });
}

describe('connect › runtime › source task runner › commitRecord', () => {
  let harness: Harness | undefined;
  afterEach(async () => {
    await harness?.dispose();
    harness = undefined;
  });

  async function run(
    polls: [string, number, string][][],
    extra: Record<string, unknown> = {},
    worker: Record<string, unknown> = {},
  ): Promise<{ acks: Acknowledged[]; worker: Worker }> {
    harness = await Harness.create();
    const acks: Acknowledged[] = [];
    harness.client = await connect({ log: { dir: harness.logDir } });
    const admin = harness.client.admin();
    await admin.createTopics([
      { name: 'orders', partitions: 2 },
      { name: 'orders-dlq', partitions: 1 },
    ]);
    const started = await Worker.start({
      client: harness.client,
      config: parseWorkerConfig({
        'log.dir': harness.logDir,
        'offset.flush.interval.ms': 100,
        'offset.storage.partitions': 1,
        'rest.enable': false,
        'value.converter': 'string',
        'key.converter': 'string',
        ...worker,
      }),
      plugins: [scriptedSource(polls, acks)],
      logger: quietLogger,
    });
    harness.worker = started;
    await started.create({ name: 'scripted', 'connector.class': 'Scripted', 'tasks.max': 1, ...extra });
    const total = polls.reduce((n, p) => n + p.length, 0);
    await started.finished('scripted');
    expect(started.status('scripted').tasks[0]).toMatchObject({ state: 'FINISHED' });
    expect(acks).toHaveLength(total);
    return { acks, worker: started };
  }

  it('pairs each record with where it landed when one poll writes to two topics, interleaved', async () => {
    const polls: [string, number, string][][] = [
      [
        ['orders', 0, 'o1'],
        ['orders-dlq', 0, 'd1'],
        ['orders', 1, 'o2'],
        ['orders', 0, 'o3'],
        ['orders-dlq', 0, 'd2'],
        ['orders', 1, 'o4'],
      ],
      [
        ['orders-dlq', 0, 'd3'],
        ['orders', 0, 'o5'],
      ],
    ];
    const { acks } = await run(polls);
    expect(acks.map((a) => a.value)).toEqual(['o1', 'd1', 'o2', 'o3', 'd2', 'o4', 'd3', 'o5']);
    expect(acks.map((a) => [a.value, a.metadata?.topic, a.metadata?.partition, a.metadata?.offset])).toEqual([
      ['o1', 'orders', 0, 0],
      ['d1', 'orders-dlq', 0, 0],
      ['o2', 'orders', 1, 0],
      ['o3', 'orders', 0, 1],
      ['d2', 'orders-dlq', 0, 1],
      ['o4', 'orders', 1, 1],
      ['d3', 'orders-dlq', 0, 2],
      ['o5', 'orders', 0, 2],
    ]);
    // And the log holds each record where its metadata says.
    const stored = new Map<string, string>();
    const consumer = harness!.client!.consumer();
    await consumer.assign([
      { topic: 'orders', partition: 0 },
      { topic: 'orders', partition: 1 },
      { topic: 'orders-dlq', partition: 0 },
    ]);
    for (const [topic, partition] of [
      ['orders', 0],
      ['orders', 1],
      ['orders-dlq', 0],
    ] as const)
      consumer.seek({ topic, partition, offset: 0 });
    for await (const batch of consumer) {
      for (const r of batch.records) stored.set(`${r.topic}/${r.partition}@${r.offset}`, r.value!.toString());
      if (stored.size === 8) break;
    }
    await consumer.close();
    for (const a of acks)
      expect(stored.get(`${a.metadata!.topic}/${a.metadata!.partition}@${a.metadata!.offset}`)).toBe(a.value);
  });

  it('hands a record a filter dropped its own null, and the next records still their own metadata', async () => {
    const { acks } = await run(
      [
        [
          ['orders', 0, 'o1'],
          ['orders-dlq', 0, 'd1'],
          ['orders', 0, 'o2'],
        ],
      ],
      {
        transforms: 'dropDlq',
        'transforms.dropDlq.type': 'Filter',
        'transforms.dropDlq.predicate': 'isDlq',
        predicates: 'isDlq',
        'predicates.isDlq.type': 'TopicNameMatches',
        'predicates.isDlq.pattern': '.*-dlq',
      },
    );
    expect(acks.map((a) => [a.value, a.topic, a.metadata?.topic, a.metadata?.offset])).toEqual([
      ['o1', 'orders', 'orders', 0],
      ['d1', 'orders-dlq', undefined, undefined],
      ['o2', 'orders', 'orders', 1],
    ]);
    expect(acks[1]!.metadata).toBeNull();
  });

  it('hands the record as the task polled it, where a transform rerouted it to another topic', async () => {
    const { acks } = await run(
      [
        [
          ['orders-dlq', 0, 'd1'],
          ['orders', 1, 'o1'],
        ],
      ],
      {
        transforms: 'route',
        'transforms.route.type': 'RegexRouter',
        'transforms.route.regex': 'orders-dlq',
        'transforms.route.replacement': 'orders',
      },
    );
    expect(
      acks.map((a) => [a.value, a.topic, a.metadata?.topic, a.metadata?.partition, a.metadata?.offset]),
    ).toEqual([
      ['d1', 'orders-dlq', 'orders', 0, 0],
      ['o1', 'orders', 'orders', 1, 0],
    ]);
  });

  it('tells the task its values may be JSON bytes only when they go untouched to the JSON converter', async () => {
    formats.length = 0;
    const poll: [string, number, string][][] = [[['orders', 0, 'o1']]];
    await run(poll);
    await harness!.dispose();
    await run(poll, {}, { 'value.converter': 'json' });
    await harness!.dispose();
    await run(poll, { 'value.converter': 'json', 'value.converter.schemas.enable': false });
    await harness!.dispose();
    await run(poll, {
      'value.converter': 'json',
      transforms: 'route',
      'transforms.route.type': 'RegexRouter',
      'transforms.route.regex': 'x',
      'transforms.route.replacement': 'y',
    });
    expect(formats).toEqual([undefined, 'json', 'json', undefined]);
  });
});
