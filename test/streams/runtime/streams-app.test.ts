import { delay, map, merge } from 'rxjs';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { Client } from '../../../src/client/types.js';
import { UnknownTopicError } from '../../../src/errors.js';
import {
  countByKey,
  filterBy,
  flatMapValues,
  groupRecordsBy,
  peek,
  to,
} from '../../../src/streams/operators/index.js';
import { type StreamsApp, streams } from '../../../src/streams/runtime/index.js';
import { Serdes } from '../../../src/streams/serdes.js';
import { eventually, readUntil, tempClient } from './helpers.js';

function wordCount(app: StreamsApp) {
  return app.stream<null, string>('lines', { value: Serdes.string }).pipe(
    flatMapValues((line) => line.split(' ')),
    filterBy((_, word) => word.length > 0),
    groupRecordsBy((_, word) => word, { name: 'words' }),
    countByKey({ store: 'counts', keySerde: Serdes.string }),
    to('counts', { key: Serdes.string, value: Serdes.long }),
  );
}

async function produceLines(client: Client, lines: string[]): Promise<void> {
  const producer = client.producer<null, string>({ valueSerde: Serdes.string });
  await producer.send(
    'lines',
    lines.map((value, i) => ({ value, partition: i % 2 })),
  );
  await producer.close();
}

/** The latest count of each word in the output topic. */
async function finalCounts(client: Client, expectedTotal: number): Promise<Map<string, number>> {
  const counts = new Map<string, number>();
  const sum = () => [...counts.values()].reduce((a, b) => a + b, 0);
  await readUntil(client, 'counts', (records) => {
    counts.clear();
    for (const r of records) counts.set(r.key!.toString(), Serdes.long.deserialize(r.value, 'counts'));
    return sum() >= expectedTotal;
  });
  return counts;
}

describe('streams › runtime › app', () => {
  let env: Awaited<ReturnType<typeof tempClient>>;
  beforeEach(async () => {
    env = await tempClient();
    await env.client.admin().createTopics([{ name: 'lines', partitions: 2 }]);
  });
  afterEach(async () => {
    await env.cleanup();
  });

  it('counts words log to log, with the store queryable while it runs', async () => {
    await produceLines(env.client, ['a b a', 'c a', 'b', 'a c c']);
    const app = streams(env.client, { applicationId: 'wc', commitIntervalMs: 50 });
    await app.start(wordCount(app));
    const counts = await finalCounts(env.client, 9);
    expect(Object.fromEntries(counts)).toEqual({ a: 4, b: 2, c: 3 });
    await eventually(() => app.store<string, number>('counts').get('a') === 4);
    expect(
      app
        .store<string, number>('counts')
        .all()
        .map((e) => [e.key, e.value]),
    ).toEqual([
      ['a', 4],
      ['b', 2],
      ['c', 3],
    ]);
    expect(app.tasks()).toEqual([0, 1]);
    await app.close();
    const topics = await env.client.admin().listTopics();
    expect(topics).toEqual(expect.arrayContaining(['wc-counts-changelog', 'wc-words-repartition']));
    const [changelog] = await env.client.admin().describeTopics(['wc-counts-changelog']);
    expect(changelog.config['cleanup.policy']).toBe('compact');
    expect(changelog.partitions).toHaveLength(2);
  });

  it('restores its stores from the changelog on restart and counts on from there', async () => {
    await produceLines(env.client, ['x y', 'x']);
    const first = streams(env.client, { applicationId: 'wc', commitIntervalMs: 50 });
    await first.start(wordCount(first));
    await eventually(
      () => first.store<string, number>('counts').get('x') === 2 && first.store('counts').get('y') === 1,
    );
    await first.close();

    const second = streams(env.client, { applicationId: 'wc', commitIntervalMs: 50 });
    await second.start(wordCount(second));
    // Nothing new was read: the counts come from the changelog.
    expect(second.store<string, number>('counts').get('x')).toBe(2);
    expect(second.store<string, number>('counts').get('y')).toBe(1);
    await produceLines(env.client, ['x']);
    await eventually(() => second.store<string, number>('counts').get('x') === 3);
    await second.close();
  });

  it('shares the partitions between two instances and hands them over when one leaves', async () => {
    const one = streams(env.client, { applicationId: 'wc', commitIntervalMs: 50 });
    const two = streams(env.client, { applicationId: 'wc', commitIntervalMs: 50 });
    await one.start(wordCount(one));
    await two.start(wordCount(two));
    await eventually(() => one.tasks().length + two.tasks().length === 2 && one.tasks().length === 1);
    await produceLines(env.client, ['p q', 'p r', 'p']);
    const counts = await finalCounts(env.client, 5);
    expect(Object.fromEntries(counts)).toEqual({ p: 3, q: 1, r: 1 });
    await two.close();
    await eventually(() => one.tasks().length === 2);
    await produceLines(env.client, ['q r', 'r']);
    await eventually(() => one.store<string, number>('counts').get('r') === 3);
    expect(one.store<string, number>('counts').get('p')).toBe(3);
    await one.close();
  });

  it('processes the records of a task in timestamp order across its input topics', async () => {
    const admin = env.client.admin();
    await admin.createTopics([
      { name: 'odd', partitions: 1 },
      { name: 'even', partitions: 1 },
    ]);
    // Each topic is written whole before the app starts: a reader taking batch after batch would see all of one
    // topic, then all of the other.
    const producer = env.client.producer<null, string>({ valueSerde: Serdes.string });
    const t0 = 1_700_000_000_000;
    await producer.send(
      'odd',
      Array.from({ length: 300 }, (_, i) => ({ value: `o${i}`, timestamp: t0 + 2 * i + 1 })),
    );
    await producer.send(
      'even',
      Array.from({ length: 300 }, (_, i) => ({ value: `e${i}`, timestamp: t0 + 2 * i })),
    );
    await producer.close();
    const app = streams(env.client, { applicationId: 'order', commitIntervalMs: 50 });
    const seen: number[] = [];
    await app.start(
      merge(
        app.stream<null, string>('odd', { value: Serdes.string }),
        app.stream<null, string>('even', { value: Serdes.string }),
      ).pipe(
        peek((_, __, record) => {
          seen.push(record.timestamp - t0);
        }),
      ),
    );
    await eventually(() => seen.length === 600);
    await app.close();
    expect(seen).toEqual(Array.from({ length: 600 }, (_, i) => i));
  });

  it('done() rejects with the failure even when no record comes after it', async () => {
    await produceLines(env.client, ['a']);
    const app = streams(env.client, { applicationId: 'late-failure', commitIntervalMs: 50 });
    // The operator fails a moment after the only record, while the app waits for more input.
    const failing = app.stream<null, string>('lines', { value: Serdes.string }).pipe(
      delay(100),
      map(() => {
        throw new Error('the operator broke');
      }),
    );
    await app.start(failing);
    await expect(app.done()).rejects.toThrow('the operator broke');
    expect(app.state).toBe('failed');
    await app.close();
  });

  it('refuses a misspelt option and a missing input topic', async () => {
    expect(() => streams(env.client, { applicationId: 'x', comitIntervalMs: 5 } as never)).toThrow(
      /did you mean "commitIntervalMs"/,
    );
    const app = streams(env.client, { applicationId: 'x' });
    await expect(app.start(app.stream('nope').pipe(to('out')))).rejects.toThrow(UnknownTopicError);
  });
});
