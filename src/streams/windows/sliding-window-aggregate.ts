import { Observable, type OperatorFunction } from 'rxjs';
import { currentContext } from '../context.js';
import { derive, type StreamRecord, type Window, type Windowed } from '../record.js';
import { Serdes } from '../serdes.js';
import { WindowStore } from '../state/window-store.js';
import { ClosingWindows } from './closing-windows.js';
import { StreamTime } from './stream-time.js';
import { type Aggregation, DAY_MS, type WindowedOptions } from './windowed-options.js';
import type { SlidingWindows } from './windows.js';

/**
 * Aggregation in sliding windows (see {@link SlidingWindows}). The records themselves are kept in a second
 * store, `<name>-records` (one entry per key and timestamp), and every window a record touches is recomputed
 * from them: the windows ending on records in `[t, t + d]`, the windows starting just after records in
 * `[t - d - 1, t - 1]`, and the window starting just after `t` when later records fall in it.
 *
 * With `closeTime = streamTime - grace`, a window (both ends inclusive) closes when `end < closeTime`; a record is
 * late when every window that could hold it has closed (`t + d < closeTime`).
 */
export function slidingWindowAggregate<K, V, VA>(
  windows: SlidingWindows,
  { initializer, aggregator }: Aggregation<K, V, VA>,
  options: WindowedOptions<K, VA>,
): OperatorFunction<StreamRecord<K, V>, StreamRecord<Windowed<K>, VA>> {
  const d = windows.timeDifference;
  const retention = Math.max(options.retention ?? DAY_MS, d + windows.grace);
  return (source) =>
    new Observable((subscriber) => {
      const context = currentContext();
      const name = options.store ?? context.uniqueName('KSTREAM-SLIDING-AGGREGATE-STATE-STORE');
      const aggregates = context.stores(
        name,
        (storeName) =>
          new WindowStore<K, VA>(storeName, { keySerde: options.keySerde, valueSerde: options.valueSerde }),
      );
      const records = context.stores(
        `${name}-records`,
        (storeName) =>
          new WindowStore<K, V[]>(storeName, { keySerde: options.keySerde, valueSerde: Serdes.json() }),
      );
      const streamTime = new StreamTime();
      const closing = new ClosingWindows<K>();
      const expiredUpTo = new Map<number, number>();
      const final = options.emit === 'final';
      return source.subscribe({
        next: (record) => {
          const { key, value, partition } = record;
          if (key === null || key === undefined || value === null || value === undefined) return;
          const t = options.timestamp ? options.timestamp(record) : record.timestamp;
          const closeTime = streamTime.observe(partition, t) - windows.grace;
          const store = aggregates.partition(partition);
          const raw = records.partition(partition);
          if (t + d < closeTime) {
            context.late(name, record);
          } else {
            raw.put(key, { start: t, end: t }, [...(raw.get(key, t) ?? []), value], t);
            const nearby = raw.fetch(key, t - d - 1, t + 1 + d);
            const touched = new Map<number, Window>();
            for (const other of nearby) {
              const at = other.window.start;
              if (at >= t && at <= t + d) touched.set(at - d, { start: at - d, end: at });
              if (at < t && at >= t - d - 1) touched.set(at + 1, { start: at + 1, end: at + 1 + d });
              if (at > t) touched.set(t + 1, { start: t + 1, end: t + 1 + d });
            }
            for (const window of [...touched.values()].sort((a, b) => a.start - b.start)) {
              if (window.end < closeTime) continue;
              let result = initializer();
              let latest = -Infinity;
              for (const entry of nearby) {
                if (entry.window.start < window.start || entry.window.start > window.end) continue;
                for (const v of entry.value) result = aggregator(key, v, result);
                latest = Math.max(latest, entry.window.start);
              }
              store.put(key, window, result, latest);
              if (final) closing.add(partition, key, window, window.end + 1);
              else subscriber.next(derive(record, { key, window }, result, latest));
            }
          }
          if (final) {
            for (const closed of closing.takeClosed(partition, closeTime)) {
              const entry = store.getEntry(closed.key, closed.window.start);
              if (entry !== undefined) subscriber.next(derive(record, closed, entry.value, entry.timestamp));
            }
          }
          const horizon = closeTime - retention;
          if (horizon - (expiredUpTo.get(partition) ?? -Infinity) >= d) {
            store.expire(horizon);
            // No open window [s, s + d] (s + d >= closeTime) can hold a record before closeTime - d.
            raw.expire(closeTime - d);
            expiredUpTo.set(partition, horizon);
          }
        },
        error: (error) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
    });
}
