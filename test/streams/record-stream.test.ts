import { filter, from, lastValueFrom, map, Observable, Subject, take, toArray } from 'rxjs';
import { describe, expect, it } from 'vitest';
import {
  countByKey,
  flatMapValues,
  groupByKey,
  mapValues,
  peek,
  selectKey,
} from '../../src/streams/operators/index.js';
import type { StreamRecord } from '../../src/streams/record.js';
import { RecordStream } from '../../src/streams/record-stream.js';
import { TopologyTestDriver } from '../../src/streams/testing/index.js';

const record = <K, V>(key: K, value: V, offset = 0): StreamRecord<K, V> => ({
  key,
  value,
  timestamp: offset,
  headers: [],
  topic: 'in',
  partition: 0,
  offset,
});

const lines = () => from(['a b', 'b c', 'c a b'].map((line, i) => record<null, string>(null, line, i)));

describe('streams › record stream (fused operators)', () => {
  it('gives the same results fused, interleaved with RxJS operators, or alone', async () => {
    const fused = lines().pipe(
      flatMapValues((line) => line.split(' ')),
      selectKey((_, word) => word),
      mapValues((word) => word.toUpperCase()),
    );
    const interleaved = lines().pipe(
      flatMapValues((line) => line.split(' ')),
      filter(() => true),
      selectKey((_, word) => word),
      map((r) => r),
      mapValues((word) => word.toUpperCase()),
    );
    expect(fused).toBeInstanceOf(RecordStream);
    const expected = ['a', 'b', 'b', 'c', 'c', 'a', 'b'].map((w) => [w, w.toUpperCase()]);
    for (const stream of [fused, interleaved]) {
      const out = await lastValueFrom(stream.pipe(toArray()));
      expect(out.map((r) => [r.key, r.value])).toEqual(expected);
      expect(out.map((r) => r.offset)).toEqual([0, 0, 1, 1, 2, 2, 2]);
    }
  });

  it('runs its stages once per subscription, as any cold Observable', async () => {
    const stream = lines().pipe(flatMapValues((line) => line.split(' ')));
    const [first, second] = await Promise.all([
      lastValueFrom(stream.pipe(toArray())),
      lastValueFrom(stream.pipe(toArray())),
    ]);
    expect(first.map((r) => r.value)).toEqual(['a', 'b', 'b', 'c', 'c', 'a', 'b']);
    expect(second).toEqual(first);
  });

  it('fails the subscription with what a stage throws, and stops reading its source', () => {
    const source = new Subject<StreamRecord<null, number>>();
    const seen: number[] = [];
    const errors: unknown[] = [];
    source
      .pipe(
        mapValues((n) => {
          if (n === 2) throw new Error('two is not allowed');
          return n * 10;
        }),
      )
      .subscribe({ next: (r) => seen.push(r.value), error: (e) => errors.push(e) });
    for (const n of [1, 2, 3]) source.next(record(null, n));
    expect(seen).toEqual([10]);
    expect(errors).toHaveLength(1);
    expect((errors[0] as Error).message).toBe('two is not allowed');
    expect(source.observed).toBe(false);
  });

  it('passes an upstream error on untouched', () => {
    const errors: unknown[] = [];
    const failing = new Observable<StreamRecord<null, string>>((subscriber) => subscriber.error('broken'));
    failing.pipe(mapValues((v) => v)).subscribe({ error: (e) => errors.push(e) });
    expect(errors).toEqual(['broken']);
  });

  it('stops a stage emitting many values once the subscriber has had enough', async () => {
    const peeked: string[] = [];
    const out = await lastValueFrom(
      from([record(null, 'a b c d e')]).pipe(
        flatMapValues((line) => line.split(' ')),
        peek((_, word) => peeked.push(word)),
        take(2),
        toArray(),
      ),
    );
    expect(out.map((r) => r.value)).toEqual(['a', 'b']);
    expect(peeked).toEqual(['a', 'b']);
  });

  it('lets held-back updates out at completion, before the subscriber completes', async () => {
    const events: string[] = [];
    await new Promise<void>((resolve) => {
      from(['x', 'y', 'x'].map((w, i) => record(w, w, i)))
        .pipe(groupByKey(), countByKey({ emit: 'on-commit' }))
        .subscribe({
          next: (r) => events.push(`${r.key}=${r.value}`),
          complete: () => {
            events.push('complete');
            resolve();
          },
        });
    });
    expect(events).toEqual(['x=2', 'y=1', 'complete']);
  });

  it('fails the pipeline when what a commit lets out fails downstream', () => {
    const driver = new TopologyTestDriver({ autoCommit: false });
    driver.start(
      driver.stream<string, string>('in').pipe(
        groupByKey(),
        countByKey({ emit: 'on-commit' }),
        mapValues((n) => {
          if (n > 1) throw new Error(`count ${n} is too high`);
          return n;
        }),
      ),
    );
    const input = driver.input<string, string>('in');
    input.pipeInput('k', 'v');
    input.pipeInput('k', 'v');
    expect(() => driver.commit()).toThrow('count 2 is too high');
  });
});
