import { Observable, type OperatorFunction } from 'rxjs';
import { currentContext } from '../context.js';
import { derive, type StreamRecord, type Windowed } from '../record.js';
import { WindowStore } from '../state/window-store.js';
import { ClosingWindows } from './closing-windows.js';
import { StreamTime } from './stream-time.js';
import { type Aggregation, DAY_MS, type WindowedOptions } from './windowed-options.js';
import { type TimeWindows, windowsFor } from './windows.js';

/**
 * Aggregation in tumbling or hopping windows. A window `[start, end)` closes when stream time minus grace reaches
 * `end` (as Kafka: `end <= streamTime - grace`); a record is added to each of its windows still open, and goes to
 * the late output when any of its windows had closed.
 */
export function timeWindowAggregate<K, V, VA>(
  windows: TimeWindows,
  { initializer, aggregator }: Aggregation<K, V, VA>,
  options: WindowedOptions<K, VA>,
): OperatorFunction<StreamRecord<K, V>, StreamRecord<Windowed<K>, VA>> {
  const retention = Math.max(options.retention ?? DAY_MS, windows.size + windows.grace);
  return (source) =>
    new Observable((subscriber) => {
      const context = currentContext();
      const name = options.store ?? context.uniqueName('KSTREAM-WINDOW-AGGREGATE-STATE-STORE');
      const stores = context.stores(
        name,
        (storeName) =>
          new WindowStore<K, VA>(storeName, { keySerde: options.keySerde, valueSerde: options.valueSerde }),
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
          const closeTime = streamTime.observe(partition, timestamp) - windows.grace;
          const store = stores.partition(partition);
          let late = false;
          for (const window of windowsFor(windows, timestamp)) {
            if (window.end <= closeTime) {
              late = true;
              continue;
            }
            const entry = store.getEntry(key, window.start);
            const result = aggregator(key, value, entry === undefined ? initializer() : entry.value);
            const at = entry === undefined ? timestamp : Math.max(entry.timestamp, timestamp);
            store.put(key, window, result, at);
            if (final) closing.add(partition, key, window, window.end);
            else subscriber.next(derive(record, { key, window }, result, at));
          }
          if (late) context.late(name, record);
          if (final) {
            for (const closed of closing.takeClosed(partition, closeTime)) {
              const entry = store.getEntry(closed.key, closed.window.start);
              if (entry !== undefined) subscriber.next(derive(record, closed, entry.value, entry.timestamp));
            }
          }
          // Expiry scans the store, so it runs once per `advance` of stream time, not per record.
          const horizon = closeTime - retention;
          if (horizon - (expiredUpTo.get(partition) ?? -Infinity) >= windows.advance) {
            store.expire(horizon);
            expiredUpTo.set(partition, horizon);
          }
        },
        error: (error) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
    });
}
