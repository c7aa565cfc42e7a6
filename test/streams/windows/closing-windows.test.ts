import fc from 'fast-check';
import { describe, expect, it } from 'vitest';
import type { Window } from '../../../src/streams/record.js';
import { ClosingWindows } from '../../../src/streams/windows/closing-windows.js';

/** What the windows must do, written plainly: one entry per key and window, released by closing time. */
class Model {
  readonly pending = new Map<string, { partition: number; key: string; window: Window; closesAt: number }>();

  add(partition: number, key: string, window: Window, closesAt: number): void {
    // One window per key and start (a session that grows keeps its start).
    for (const [id, e] of this.pending)
      if (e.partition === partition && e.key === key && e.window.start === window.start)
        this.pending.delete(id);
    this.pending.set(`${partition}|${window.start}|${key}`, { partition, key, window, closesAt });
  }

  remove(partition: number, key: string, window: Window): void {
    const id = `${partition}|${window.start}|${key}`;
    if (this.pending.get(id)?.window.end === window.end) this.pending.delete(id);
  }

  takeClosed(partition: number, closeTime: number): { key: string; window: Window }[] {
    const closed = [...this.pending.entries()].filter(
      ([, e]) => e.partition === partition && e.closesAt <= closeTime,
    );
    for (const [id] of closed) this.pending.delete(id);
    return closed
      .map(([, e]) => e)
      .sort(
        (a, b) => a.closesAt - b.closesAt || a.window.start - b.window.start || a.key.localeCompare(b.key),
      )
      .map(({ key, window }) => ({ key, window }));
  }
}

const op = fc.oneof(
  fc.record({
    kind: fc.constant('add' as const),
    partition: fc.integer({ min: 0, max: 1 }),
    key: fc.constantFrom('a', 'b', 'c'),
    start: fc.integer({ min: 0, max: 4 }).map((n) => 1_767_225_600_000 + n * 1000),
    length: fc.integer({ min: 1, max: 3 }).map((n) => n * 1000),
    grace: fc.integer({ min: 0, max: 1 }).map((n) => n * 500),
  }),
  fc.record({
    kind: fc.constant('remove' as const),
    partition: fc.integer({ min: 0, max: 1 }),
    key: fc.constantFrom('a', 'b', 'c'),
    start: fc.integer({ min: 0, max: 4 }).map((n) => 1_767_225_600_000 + n * 1000),
    length: fc.integer({ min: 1, max: 3 }).map((n) => n * 1000),
  }),
  fc.record({
    kind: fc.constant('take' as const),
    partition: fc.integer({ min: 0, max: 1 }),
    at: fc.integer({ min: 0, max: 9 }).map((n) => 1_767_225_600_000 + n * 1000),
  }),
);

/** Released windows of one closing time and start in key order: the order among them is not part of the contract. */
function normalized(windows: { key: string; window: Window }[]): { key: string; window: Window }[] {
  return windows
    .map(({ key, window }) => ({ key, window }))
    .sort(
      (a, b) => a.window.end - b.window.end || a.window.start - b.window.start || a.key.localeCompare(b.key),
    );
}

describe('streams › windows › closing windows', () => {
  it('releases each pending window once, when its closing time is reached, as the plain model does', () => {
    fc.assert(
      fc.property(fc.array(op, { maxLength: 60 }), (ops) => {
        const closing = new ClosingWindows<string>();
        const model = new Model();
        for (const o of ops) {
          if (o.kind === 'take') {
            expect(normalized(closing.takeClosed(o.partition, o.at))).toEqual(
              normalized(model.takeClosed(o.partition, o.at)),
            );
            continue;
          }
          const window = { start: o.start, end: o.start + o.length };
          if (o.kind === 'add') {
            closing.add(o.partition, o.key, window, window.end + o.grace);
            model.add(o.partition, o.key, window, window.end + o.grace);
          } else {
            closing.remove(o.partition, o.key, window);
            model.remove(o.partition, o.key, window);
          }
        }
        for (const partition of [0, 1])
          expect(normalized(closing.takeClosed(partition, Number.MAX_SAFE_INTEGER))).toEqual(
            normalized(model.takeClosed(partition, Number.MAX_SAFE_INTEGER)),
          );
      }),
      { numRuns: 300 },
    );
  });
});
