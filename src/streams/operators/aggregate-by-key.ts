import { Observable, type OperatorFunction } from 'rxjs';
import { currentContext } from '../context.js';
import { derive, type StreamRecord } from '../record.js';
import type { Serde } from '../serdes.js';
import { KeyValueStore } from '../state/key-value-store.js';

/** Where a keyed aggregation keeps its state. */
export interface AggregateOptions<K, VA> {
  /** Store name, queryable with `app.store(name)` and backed by `<app>-<name>-changelog`; generated when omitted. */
  store?: string;
  /** Encodes keys in the changelog. Default JSON. */
  keySerde?: Serde<K>;
  /** Encodes aggregates in the changelog. Default JSON. */
  valueSerde?: Serde<VA>;
}

/**
 * Folds the records of each key into an aggregate kept in a key-value store, emitting the new aggregate of the key
 * after every record (Kafka's `aggregate`; the result is a table's changelog). Records with a null key or value are
 * skipped, as in Kafka. The emitted record has the timestamp of the latest record that updated the key.
 *
 * @example
 * ```ts
 * orders$.pipe(
 *   groupByKey(),
 *   aggregateByKey(() => ({ n: 0, total: 0 }), (_, o, acc) => ({ n: acc.n + 1, total: acc.total + o.total }), {
 *     store: 'order-totals',
 *   }),
 * )
 * ```
 */
export function aggregateByKey<K, V, VA>(
  initializer: () => VA,
  aggregator: (key: K, value: V, aggregate: VA) => VA,
  options: AggregateOptions<K, VA> = {},
): OperatorFunction<StreamRecord<K, V>, StreamRecord<K, VA>> {
  return (source) =>
    new Observable((subscriber) => {
      const context = currentContext();
      const name = options.store ?? context.uniqueName('KSTREAM-AGGREGATE-STATE-STORE');
      const stores = context.stores(
        name,
        (storeName) =>
          new KeyValueStore<K, VA>(storeName, { keySerde: options.keySerde, valueSerde: options.valueSerde }),
      );
      return source.subscribe({
        next: (record) => {
          const { key, value } = record;
          if (key === null || key === undefined || value === null || value === undefined) return;
          const store = stores.partition(record.partition);
          const entry = store.getEntry(key);
          const result = aggregator(key, value, entry === undefined ? initializer() : entry.value);
          const timestamp =
            entry === undefined ? record.timestamp : Math.max(entry.timestamp, record.timestamp);
          store.put(key, result, timestamp);
          subscriber.next(derive(record, key, result, timestamp));
        },
        error: (error) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
    });
}
