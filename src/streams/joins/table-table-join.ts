import { Observable, type OperatorFunction } from 'rxjs';
import { currentContext } from '../context.js';
import { derive, type KTable, type StreamRecord } from '../record.js';
import type { Serde } from '../serdes.js';
import { KeyValueStore } from '../state/key-value-store.js';

export interface TableTableJoinOptions<K, VR> {
  /** Store of the join result (queryable); the two sides are kept in `<store>-this` and `<store>-other`. */
  store?: string;
  keySerde?: Serde<K>;
  valueSerde?: Serde<VR>;
}

/**
 * Joins two tables by key (Kafka's `KTable#join(KTable)`, `leftJoin`, `outerJoin`): whenever either side's row
 * of a key changes, the key's result is recomputed and emitted. A key has a result when both sides have a row
 * (`inner`, the default), when this side has one (`left`), or when either has one (`outer`); the missing side is
 * `null`. When a key that had a result loses it, a tombstone (null value) is emitted. The result is a table,
 * materialized in `store`, with the later timestamp of the two rows. Both tables must be co-partitioned.
 *
 * @example
 * ```ts
 * users.pipe(tableTableJoin(addresses, (user, address) => ({ ...user, address }), { type: 'left' }))
 * ```
 */
export function tableTableJoin<K, V, VO, VR>(
  other: KTable<K, VO>,
  joiner: (value: V, other: VO, key: K) => VR,
  options?: TableTableJoinOptions<K, VR> & { type?: 'inner' },
): OperatorFunction<StreamRecord<K, V | null>, StreamRecord<K, VR | null>>;
export function tableTableJoin<K, V, VO, VR>(
  other: KTable<K, VO>,
  joiner: (value: V, other: VO | null, key: K) => VR,
  options: TableTableJoinOptions<K, VR> & { type: 'left' },
): OperatorFunction<StreamRecord<K, V | null>, StreamRecord<K, VR | null>>;
export function tableTableJoin<K, V, VO, VR>(
  other: KTable<K, VO>,
  joiner: (value: V | null, other: VO | null, key: K) => VR,
  options: TableTableJoinOptions<K, VR> & { type: 'outer' },
): OperatorFunction<StreamRecord<K, V | null>, StreamRecord<K, VR | null>>;
export function tableTableJoin<K, V, VO, VR>(
  other: KTable<K, VO>,
  joiner: (value: V | null, other: VO | null, key: K) => VR,
  options: TableTableJoinOptions<K, VR> & { type?: 'inner' | 'left' | 'outer' } = {},
): OperatorFunction<StreamRecord<K, V | null>, StreamRecord<K, VR | null>> {
  const type = options.type ?? 'inner';
  return (source) =>
    new Observable((subscriber) => {
      const context = currentContext();
      const name = options.store ?? context.uniqueName('KTABLE-JOIN-STORE');
      const side = <T>(suffix: string) =>
        context.stores(
          `${name}-${suffix}`,
          (storeName) => new KeyValueStore<K, T>(storeName, { keySerde: options.keySerde }),
        );
      const mine = side<V>('this');
      const theirs = side<VO>('other');
      const results = context.stores(
        name,
        (storeName) =>
          new KeyValueStore<K, VR>(storeName, { keySerde: options.keySerde, valueSerde: options.valueSerde }),
      );

      const update = <T>(rows: typeof mine | typeof theirs, record: StreamRecord<K, T | null>) => {
        const { key, partition } = record;
        if (key === null || key === undefined) return;
        const store = rows.partition(partition) as unknown as KeyValueStore<K, T>;
        if (record.value === null || record.value === undefined) store.delete(key);
        else store.put(key, record.value, record.timestamp);
        const left = mine.partition(partition).getEntry(key);
        const right = theirs.partition(partition).getEntry(key);
        const result = results.partition(partition);
        const joins = type === 'inner' ? left && right : type === 'left' ? left : left || right;
        const timestamp = Math.max(left?.timestamp ?? record.timestamp, right?.timestamp ?? record.timestamp);
        if (joins) {
          const value = joiner(left?.value ?? null, right?.value ?? null, key);
          result.put(key, value, timestamp);
          subscriber.next(derive(record, key, value, timestamp));
        } else if (result.delete(key) !== undefined) {
          subscriber.next(derive(record, key, null, record.timestamp));
        }
      };

      const others = other.subscribe({
        next: (record) => update(theirs, record),
        error: (error) => subscriber.error(error),
      });
      const records = source.subscribe({
        next: (record) => update(mine, record),
        error: (error) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      return () => {
        records.unsubscribe();
        others.unsubscribe();
      };
    });
}
