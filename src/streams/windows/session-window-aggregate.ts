import { Observable, type OperatorFunction } from 'rxjs';
import { currentContext } from '../context.js';
import { derive, type StreamRecord, type Windowed } from '../record.js';
import { SessionStore } from '../state/session-store.js';
import { ClosingWindows } from './closing-windows.js';
import { StreamTime } from './stream-time.js';
import { type Aggregation, DAY_MS, type WindowedOptions } from './windowed-options.js';
import type { SessionWindows } from './windows.js';

/**
 * Aggregation in session windows. A record at `t` joins every session of its key within `gap` of it (ending at or
 * after `t - gap`, starting at or before `t + gap`); those sessions are merged with `merger` into one, which is
 * emitted, and in `changes` mode each merged-away session is retracted with a null value.
 *
 * With `closeTime = streamTime - grace`, a record is late when its merged session ends before `closeTime` (as
 * Kafka). A session is closed once `end + gap < closeTime`: no record can extend it any more, `final` mode emits it,
 * and unlike Kafka a later record never merges into it, so a final result is never superseded.
 */
export function sessionWindowAggregate<K, V, VA>(
  windows: SessionWindows,
  { initializer, aggregator }: Aggregation<K, V, VA>,
  merger: (key: K, left: VA, right: VA) => VA,
  options: WindowedOptions<K, VA>,
): OperatorFunction<StreamRecord<K, V>, StreamRecord<Windowed<K>, VA | null>> {
  const { gap, grace } = windows;
  const retention = Math.max(options.retention ?? DAY_MS, gap + grace);
  return (source) =>
    new Observable((subscriber) => {
      const context = currentContext();
      const name = options.store ?? context.uniqueName('KSTREAM-SESSION-AGGREGATE-STATE-STORE');
      const stores = context.stores(
        name,
        (storeName) =>
          new SessionStore<K, VA>(storeName, { keySerde: options.keySerde, valueSerde: options.valueSerde }),
      );
      const streamTime = new StreamTime();
      const closing = new ClosingWindows<K>();
      const expiredUpTo = new Map<number, number>();
      const final = options.emit === 'final';
      return source.subscribe({
        next: (record) => {
          const { key, value, partition } = record;
          if (key === null || key === undefined || value === null || value === undefined) return;
          const timestamp = options.timestamp ? options.timestamp(record) : record.timestamp;
          const closeTime = streamTime.observe(partition, timestamp) - grace;
          const store = stores.partition(partition);
          // Closed sessions (end + gap < closeTime) stay as they were emitted, even when a record would bridge them.
          const overlapping = store.findSessions(key, Math.max(timestamp, closeTime) - gap, timestamp + gap);
          let start = timestamp;
          let end = timestamp;
          let at = timestamp;
          for (const session of overlapping) {
            start = Math.min(start, session.window.start);
            end = Math.max(end, session.window.end);
            at = Math.max(at, session.timestamp);
          }
          if (end < closeTime) {
            context.late(name, record);
          } else {
            let result = initializer();
            for (const session of overlapping) {
              result = merger(key, result, session.value);
              store.delete(key, session.window.start);
              if (final) closing.remove(partition, key, session.window);
              else subscriber.next(derive(record, { key, window: session.window }, null, session.timestamp));
            }
            result = aggregator(key, value, result);
            const window = { start, end };
            store.put(key, window, result, at);
            if (final) closing.add(partition, key, window, end + gap + 1);
            else subscriber.next(derive(record, { key, window }, result, at));
          }
          if (final) {
            for (const closed of closing.takeClosed(partition, closeTime)) {
              const entry = store.getEntry(closed.key, closed.window.start);
              if (entry !== undefined) subscriber.next(derive(record, closed, entry.value, entry.timestamp));
            }
          }
          const horizon = closeTime - retention;
          if (horizon - (expiredUpTo.get(partition) ?? -Infinity) >= gap) {
            store.expire(horizon);
            expiredUpTo.set(partition, horizon);
          }
        },
        error: (error) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
    });
}
