import type { OperatorFunction } from 'rxjs';
import { describe, expect, it } from 'vitest';
import { groupByKey, to, windowedCount } from '../../../src/streams/operators/index.js';
import type { StreamRecord, Windowed } from '../../../src/streams/record.js';
import { Serdes } from '../../../src/streams/serdes.js';
import { TopologyTestDriver } from '../../../src/streams/testing/index.js';
import {
  hoppingWindows,
  sessionWindows,
  slidingWindows,
  tumblingWindows,
  type Windows,
} from '../../../src/streams/windows/windows.js';

type Counting = OperatorFunction<StreamRecord<string, string>, StreamRecord<Windowed<string>, number | null>>;

/** Runs a windowed count over key "a" fed at the given timestamps; returns outputs and late timestamps per step. */
function run(windows: Windows, emit: 'changes' | 'final') {
  const driver = new TopologyTestDriver({ applicationId: 'w' });
  const counting = windowedCount(windows as never, { store: 'counts', emit }) as Counting;
  driver.start(
    driver
      .stream<string, string>('events', { key: Serdes.string, value: Serdes.string })
      .pipe(groupByKey(), counting, to('out')),
  );
  const input = driver.input<string, string>('events', { key: Serdes.string, value: Serdes.string });
  const out = driver.output<Windowed<string>, number | null>('out');
  const late = driver.output<string, string>('w-counts-late');
  return {
    driver,
    /** Pipes a record at `t` and returns what it caused: `[start, end, count]` rows and the late timestamps. */
    at(t: number) {
      input.pipeInput('a', `v${t}`, { timestamp: t });
      return {
        out: out.readKeyValues().map(([k, v]) => [k.window.start, k.window.end, v]),
        late: late.readRecords().map((r) => r.timestamp),
      };
    },
  };
}

describe('streams › windows › tumbling', () => {
  it('emits changes, accepts out-of-order records within grace, routes later ones to the late topic', () => {
    const w = run(tumblingWindows(10, { grace: 5 }), 'changes');
    expect(w.at(1)).toEqual({ out: [[0, 10, 1]], late: [] });
    expect(w.at(12)).toEqual({ out: [[10, 20, 1]], late: [] });
    expect(w.at(3)).toEqual({ out: [[0, 10, 2]], late: [] }); // stream time 12, window [0,10) closes at 15
    expect(w.at(25)).toEqual({ out: [[20, 30, 1]], late: [] });
    expect(w.at(5)).toEqual({ out: [], late: [5] });
    expect(w.at(18)).toEqual({ out: [], late: [18] }); // [10,20) closed at stream time 25
    expect(
      w.driver
        .windowStore<string, number>('counts')
        .fetch('a')
        .map((e) => e.value),
    ).toEqual([2, 1, 1]);
  });

  it('emits each window once, when stream time passes its end plus grace', () => {
    const w = run(tumblingWindows(10, { grace: 5 }), 'final');
    expect(w.at(1).out).toEqual([]);
    expect(w.at(12).out).toEqual([]);
    expect(w.at(3).out).toEqual([]);
    expect(w.at(14).out).toEqual([]);
    expect(w.at(25)).toEqual({
      out: [
        [0, 10, 2],
        [10, 20, 2],
      ],
      late: [],
    });
    expect(w.at(5)).toEqual({ out: [], late: [5] });
    expect(w.at(40).out).toEqual([[20, 30, 1]]);
  });
});

describe('streams › windows › hopping', () => {
  it('counts a record in every window holding it and reports it late when one had closed', () => {
    const w = run(hoppingWindows(10, 5), 'changes');
    expect(w.at(7).out).toEqual([
      [0, 10, 1],
      [5, 15, 1],
    ]);
    expect(w.at(12).out).toEqual([
      [5, 15, 2],
      [10, 20, 1],
    ]);
    expect(w.at(9)).toEqual({ out: [[5, 15, 3]], late: [9] });
  });

  it('emits final results in closing order', () => {
    const w = run(hoppingWindows(10, 5), 'final');
    expect(w.at(7).out).toEqual([]);
    expect(w.at(12).out).toEqual([[0, 10, 1]]);
    expect(w.at(9)).toEqual({ out: [], late: [9] });
    expect(w.at(30).out).toEqual([
      [5, 15, 3],
      [10, 20, 1],
    ]);
  });
});

describe('streams › windows › sliding', () => {
  it('recomputes every window a record touches, out of order within grace', () => {
    const w = run(slidingWindows(10, { grace: 19 }), 'changes');
    expect(w.at(5).out).toEqual([[-5, 5, 1]]);
    expect(w.at(12).out).toEqual([
      [2, 12, 2],
      [6, 16, 1],
    ]);
    expect(w.at(30).out).toEqual([[20, 30, 1]]);
    expect(w.at(15).out).toEqual([
      [5, 15, 3],
      [6, 16, 2],
      [13, 23, 1],
    ]);
    // Stream time 30, close time 11: windows ending before 11 are closed and left alone.
    expect(w.at(2)).toEqual({
      out: [
        [2, 12, 3],
        [3, 13, 2],
      ],
      late: [],
    });
    expect(w.at(0)).toEqual({ out: [], late: [0] });
  });

  it('emits each window once when it closes', () => {
    const w = run(slidingWindows(10), 'final');
    expect(w.at(5).out).toEqual([]);
    expect(w.at(12).out).toEqual([[-5, 5, 1]]);
    expect(w.at(30).out).toEqual([
      [2, 12, 2],
      [6, 16, 1],
    ]);
    expect(w.at(15)).toEqual({ out: [], late: [15] });
  });
});

describe('streams › windows › session', () => {
  it('merges sessions and retracts the merged-away ones', () => {
    const w = run(sessionWindows(10, { grace: 20 }), 'changes');
    expect(w.at(0).out).toEqual([[0, 0, 1]]);
    expect(w.at(5).out).toEqual([
      [0, 0, null],
      [0, 5, 2],
    ]);
    expect(w.at(30).out).toEqual([[30, 30, 1]]);
    expect(w.at(17).out).toEqual([[17, 17, 1]]);
    expect(w.at(22).out).toEqual([
      [17, 17, null],
      [30, 30, null],
      [17, 30, 3],
    ]);
    expect(w.at(1)).toEqual({ out: [], late: [1] }); // merges into [0,5], which ends before close time 10
    expect(
      w.driver
        .sessionStore<string, number>('counts')
        .fetch('a')
        .map((s) => [s.window.start, s.window.end, s.value]),
    ).toEqual([
      [0, 5, 2],
      [17, 30, 3],
    ]);
  });

  it('emits a session once no record can change it any more', () => {
    const w = run(sessionWindows(10), 'final');
    expect(w.at(0).out).toEqual([]);
    expect(w.at(5).out).toEqual([]);
    expect(w.at(15).out).toEqual([]); // joins [0,5]: gap 10
    expect(w.at(25).out).toEqual([]); // a record at 25 still extends [0,15]: [0,25]
    expect(w.at(36).out).toEqual([[0, 25, 4]]);
    // [0,25] is final: this record starts a new session instead of bridging the two.
    expect(w.at(27)).toEqual({ out: [], late: [] });
    expect(w.at(47).out).toEqual([[27, 36, 2]]);
    expect(w.at(3)).toEqual({ out: [], late: [3] });
  });
});
