import type { OperatorFunction } from 'rxjs';
import { currentContext } from '../context.js';
import type { StreamRecord } from '../record.js';
import { stageOperator } from '../record-stream.js';
import type { Serde } from '../serdes.js';
import { KeyValueStore } from '../state/key-value-store.js';

export interface ToTableOptions<K, V> {
  /** Store name, queryable with `app.store(name)` and backed by `<app>-<name>-changelog`; generated when omitted. */
  store?: string;
  keySerde?: Serde<K>;
  valueSerde?: Serde<V>;
}

/**
 * Reads a stream as a table's changelog (Kafka's `toTable`): each record is the new value of its key, a null value
 * deletes the key. The table is materialized in a key-value store, and every update is passed on. Records with a
 * null key are dropped: a table has no row for them.
 *
 * @example
 * ```ts
 * profiles$.pipe(toTable({ store: 'profiles' }))
 * ```
 */
export function toTable<K, V>(
  options: ToTableOptions<K, V> = {},
): OperatorFunction<StreamRecord<K, V | null>, StreamRecord<K, V | null>> {
  return stageOperator((output) => {
    const context = currentContext();
    const name = options.store ?? context.uniqueName('KTABLE-SOURCE-STATE-STORE');
    const stores = context.stores(
      name,
      (storeName) =>
        new KeyValueStore<K, V>(storeName, { keySerde: options.keySerde, valueSerde: options.valueSerde }),
    );
    return {
      next: (record: StreamRecord<K, V | null>) => {
        if (record.key === null || record.key === undefined) return;
        const store = stores.partition(record.partition);
        if (record.value === null || record.value === undefined) store.delete(record.key);
        else store.put(record.key, record.value, record.timestamp);
        output.next(record);
      },
    };
  });
}
