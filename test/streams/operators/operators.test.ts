import { describe, expect, it } from 'vitest';
import {
  aggregateByKey,
  branch,
  filterNot,
  groupByKey,
  mergeStreams,
  peek,
  reduceByKey,
  repartition,
  selectKey,
  to,
  toTable,
  windowedAggregate,
  windowedReduce,
} from '../../../src/streams/operators/index.js';
import type { Windowed } from '../../../src/streams/record.js';
import { TopologyTestDriver } from '../../../src/streams/testing/index.js';
import { sessionWindows, tumblingWindows } from '../../../src/streams/windows/windows.js';

describe('streams › operators', () => {
  it('branch sends each record to the first matching branch, else the default', () => {
    const driver = new TopologyTestDriver();
    const [big, medium, rest] = branch(
      driver.stream<string, number>('in'),
      (_, v) => v > 100,
      (_, v) => v > 10,
    );
    driver.start(big.pipe(to('big')), medium.pipe(to('medium')), rest.pipe(to('rest')));
    const input = driver.input<string, number>('in');
    for (const v of [5, 500, 50, 101, 11, 1]) input.pipeInput('k', v);
    expect(driver.output<string, number>('big').readValues()).toEqual([500, 101]);
    expect(driver.output<string, number>('medium').readValues()).toEqual([50, 11]);
    expect(driver.output<string, number>('rest').readValues()).toEqual([5, 1]);
  });

  it('mergeStreams interleaves in arrival order; filterNot drops; peek sees every record', () => {
    const driver = new TopologyTestDriver();
    const seen: string[] = [];
    driver.start(
      driver.stream<string, string>('a').pipe(
        mergeStreams(driver.stream<string, string>('b')),
        filterNot((_, v) => v.startsWith('x')),
        peek((k, v) => seen.push(`${k}=${v}`)),
        to('out'),
      ),
    );
    driver.input<string, string>('a').pipeInput('1', 'a1');
    driver.input<string, string>('b').pipeInput('2', 'xb');
    driver.input<string, string>('b').pipeInput('3', 'b3');
    expect(driver.output<string, string>('out').readValues()).toEqual(['a1', 'b3']);
    expect(seen).toEqual(['1=a1', '3=b3']);
  });

  it('reduceByKey starts from the first value; aggregateByKey from the initializer; null keys are skipped', () => {
    const driver = new TopologyTestDriver();
    const input = driver.stream<string | null, number>('in');
    driver.start(
      input.pipe(
        groupByKey(),
        reduceByKey((a, b) => Math.max(a, b), { store: 'max' }),
        to('max'),
      ),
      input.pipe(
        groupByKey(),
        aggregateByKey(
          () => ({ n: 0, sum: 0 }),
          (_, v, acc) => ({ n: acc.n + 1, sum: acc.sum + v }),
          { store: 'stats' },
        ),
        to('stats'),
      ),
    );
    const pipe = driver.input<string | null, number>('in');
    pipe.pipeInput('a', 3);
    pipe.pipeInput('a', 1);
    pipe.pipeInput(null, 100);
    pipe.pipeInput('a', 7);
    expect(driver.output<string, number>('max').readValues()).toEqual([3, 3, 7]);
    expect(driver.store<string, { n: number; sum: number }>('stats').get('a')).toEqual({ n: 3, sum: 11 });
  });

  it('repartition moves records to the partition of their new key and keeps timestamps', () => {
    const driver = new TopologyTestDriver({ applicationId: 'r', partitions: 4 });
    driver.start(
      driver.stream<string, string>('in').pipe(
        selectKey((_, v) => v),
        repartition({ name: 'by-value' }),
        to('out'),
      ),
    );
    const input = driver.input<string, string>('in');
    input.pipeInput('k1', 'same', { timestamp: 10, partition: 0 });
    input.pipeInput('k2', 'same', { timestamp: 20, partition: 3 });
    const records = driver.output<string, string>('out').readRecords();
    expect(records.map((r) => r.timestamp)).toEqual([10, 20]);
    expect(records[0].partition).toBe(records[1].partition);
    expect(driver.outputTopics()).toContain('r-by-value-repartition');
  });

  it('toTable keeps the latest value per key and deletes on tombstones', () => {
    const driver = new TopologyTestDriver();
    driver.start(driver.stream<string, string | null>('t').pipe(toTable({ store: 'rows' })));
    const input = driver.input<string, string | null>('t');
    input.pipeInput('a', '1');
    input.pipeInput('b', '2');
    input.pipeInput('a', '3');
    input.pipeInput('b', null);
    expect(
      driver
        .store<string, string>('rows')
        .all()
        .map((e) => [e.key, e.value]),
    ).toEqual([['a', '3']]);
  });

  it('windowedReduce and windowedAggregate use an event-time extractor when given', () => {
    const driver = new TopologyTestDriver();
    const events = driver.stream<string, { at: number; v: number }>('e');
    driver.start(
      events.pipe(
        windowedReduce(
          tumblingWindows(10, { grace: 10 }),
          (a, b) => ({ at: Math.max(a.at, b.at), v: a.v + b.v }),
          {
            timestamp: (r) => (r.value as { at: number }).at,
            store: 'sums',
          },
        ),
        to('sums'),
      ),
      events.pipe(
        windowedAggregate(
          sessionWindows(5, { grace: 20 }),
          () => [] as number[],
          (_, e, acc) => [...acc, e.v],
          {
            merger: (_, a, b) => [...a, ...b],
            timestamp: (r) => (r.value as { at: number }).at,
            store: 'sessions',
          },
        ),
        to('sessions'),
      ),
    );
    const input = driver.input<string, { at: number; v: number }>('e');
    input.pipeInput('k', { at: 1, v: 1 }, { timestamp: 999 });
    input.pipeInput('k', { at: 12, v: 2 }, { timestamp: 0 });
    input.pipeInput('k', { at: 4, v: 4 }, { timestamp: 0 });
    input.pipeInput('k', { at: 8, v: 8 }, { timestamp: 0 });
    const sums = driver.output<Windowed<string>, { v: number }>('sums').readKeyValues();
    expect(sums.map(([k, v]) => [k.window.start, v.v])).toEqual([
      [0, 1],
      [10, 2],
      [0, 5],
      [0, 13],
    ]);
    expect(
      driver
        .sessionStore<string, number[]>('sessions')
        .fetch('k')
        .map((s) => [s.window.start, s.window.end, s.value]),
    ).toEqual([[1, 12, [1, 4, 2, 8]]]);
  });

  it('a pipeline error is rethrown by the pipeInput that caused it', () => {
    const driver = new TopologyTestDriver();
    driver.start(
      driver.stream<string, number>('in').pipe(
        peek((_, v) => {
          if (v < 0) throw new Error(`negative value ${v}`);
        }),
      ),
    );
    expect(() => driver.input<string, number>('in').pipeInput('k', -1)).toThrow('negative value -1');
  });
});
