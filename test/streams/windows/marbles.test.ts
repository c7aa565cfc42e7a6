import { map } from 'rxjs';
import { TestScheduler } from 'rxjs/testing';
import { describe, expect, it } from 'vitest';
import { joinWindows } from '../../../src/streams/joins/join-windows.js';
import { streamStreamJoin } from '../../../src/streams/joins/stream-stream-join.js';
import { windowedCount } from '../../../src/streams/operators/windowed-count.js';
import type { StreamRecord } from '../../../src/streams/record.js';
import { tumblingWindows } from '../../../src/streams/windows/windows.js';

/** A record of key "k" whose event time is the frame it is emitted at, as a source with live timestamps would have. */
function stamp(scheduler: TestScheduler) {
  return map(
    (value: string): StreamRecord<string, string> => ({
      key: 'k',
      value,
      timestamp: scheduler.now(),
      headers: [],
      topic: 't',
      partition: 0,
      offset: 0,
    }),
  );
}

const newScheduler = () => new TestScheduler((actual, expected) => expect(actual).toEqual(expected));

describe('streams › windows › marbles', () => {
  it('final results appear at the frame of the record that closes the window, never on a timer', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const source = cold('a 4ms b 4ms c 9ms d 9ms e|').pipe(stamp(scheduler));
      const counts = source.pipe(
        windowedCount(tumblingWindows(10, { grace: 2 }), { emit: 'final' }),
        map((r) => `${r.key.window.start}=${r.value}`),
      );
      // a@0 b@5 c@10 d@20 e@30: d closes [0,10) (20 - 2 >= 10) and e closes [10,20) and [20,30) does not.
      expectObservable(counts).toBe('20ms x 9ms y|', { x: '0=2', y: '10=1' });
    });
  });

  it('changes mode emits on every record, at its frame', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const source = cold('a 4ms b 4ms c|').pipe(stamp(scheduler));
      const counts = source.pipe(
        windowedCount(tumblingWindows(10)),
        map((r) => `${r.key.window.start}=${r.value}`),
      );
      expectObservable(counts).toBe('x 4ms y 4ms z|', { x: '0=1', y: '0=2', z: '10=1' });
    });
  });

  it('a left join emits the unmatched record when stream time passes its window, not when it arrives', () => {
    const scheduler = newScheduler();
    scheduler.run(({ cold, expectObservable }) => {
      const left = cold('a 29ms b|').pipe(stamp(scheduler));
      const right = cold('---').pipe(stamp(scheduler));
      const joined = left.pipe(
        streamStreamJoin(right, (l, r) => `${l}+${r}`, { window: joinWindows(10), type: 'left' }),
        map((r) => r.value),
      );
      expectObservable(joined).toBe('30ms x|', { x: 'a+null' });
    });
  });
});
