import { Observable, type OperatorFunction } from 'rxjs';
import { currentContext } from '../context.js';
import { type KTable, type StreamRecord, withValue } from '../record.js';
import type { Serde } from '../serdes.js';
import { KeyValueStore } from '../state/key-value-store.js';

export interface StreamTableJoinOptions<K, VT> {
  /** Store the table is materialized in; generated when omitted. */
  store?: string;
  keySerde?: Serde<K>;
  valueSerde?: Serde<VT>;
}

/**
 * Joins each stream record with the table's current value for its key, as of the moment the record is processed
 * (Kafka's `KStream#join(KTable)` and `leftJoin`); table updates trigger nothing. `type: 'inner'` (default) drops
 * stream records whose key has no row; `type: 'left'` joins them with `null`. The result keeps the stream
 * record's key and timestamp. Stream and table must be partitioned alike (co-partitioned): a stream record sees
 * the table rows of its own partition.
 *
 * @example
 * ```ts
 * orders$.pipe(streamTableJoin(customers, (order, customer) => ({ ...order, tier: customer.tier })))
 * clicks$.pipe(streamTableJoin(profiles, (click, p) => ({ ...click, region: p?.region ?? '?' }), { type: 'left' }))
 * ```
 */
export function streamTableJoin<K, V, VT, VR>(
  table: KTable<K, VT>,
  joiner: (value: V, row: VT, key: K) => VR,
  options?: StreamTableJoinOptions<K, VT> & { type?: 'inner' },
): OperatorFunction<StreamRecord<K, V>, StreamRecord<K, VR>>;
export function streamTableJoin<K, V, VT, VR>(
  table: KTable<K, VT>,
  joiner: (value: V, row: VT | null, key: K) => VR,
  options: StreamTableJoinOptions<K, VT> & { type: 'left' },
): OperatorFunction<StreamRecord<K, V>, StreamRecord<K, VR>>;
export function streamTableJoin<K, V, VT, VR>(
  table: KTable<K, VT>,
  joiner: (value: V, row: VT | null, key: K) => VR,
  options: StreamTableJoinOptions<K, VT> & { type?: 'inner' | 'left' } = {},
): OperatorFunction<StreamRecord<K, V>, StreamRecord<K, VR>> {
  const left = options.type === 'left';
  return join(
    table,
    (value, row, key) =>
      row === undefined
        ? left
          ? { out: joiner(value, null, key) }
          : undefined
        : { out: joiner(value, row, key) },
    options,
  );
}

function join<K, V, VT, VR>(
  table: KTable<K, VT>,
  apply: (value: V, row: VT | undefined, key: K) => { out: VR } | undefined,
  options: StreamTableJoinOptions<K, VT>,
): OperatorFunction<StreamRecord<K, V>, StreamRecord<K, VR>> {
  return (source) =>
    new Observable((subscriber) => {
      const context = currentContext();
      const name = options.store ?? context.uniqueName('KSTREAM-JOIN-TABLE-STORE');
      const stores = context.stores(
        name,
        (storeName) =>
          new KeyValueStore<K, VT>(storeName, { keySerde: options.keySerde, valueSerde: options.valueSerde }),
      );
      const rows = table.subscribe({
        next: (row) => {
          if (row.key === null || row.key === undefined) return;
          const store = stores.partition(row.partition);
          if (row.value === null || row.value === undefined) store.delete(row.key);
          else store.put(row.key, row.value, row.timestamp);
        },
        error: (error) => subscriber.error(error),
      });
      const records = source.subscribe({
        next: (record) => {
          const { key } = record;
          // Kafka drops stream records with a null key: no table row can match them.
          if (key === null || key === undefined) return;
          const joined = apply(record.value, stores.partition(record.partition).get(key), key);
          if (joined !== undefined) subscriber.next(withValue(record, joined.out));
        },
        error: (error) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      return () => {
        records.unsubscribe();
        rows.unsubscribe();
      };
    });
}
