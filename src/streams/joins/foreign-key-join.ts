import { Observable, type OperatorFunction } from 'rxjs';
import { currentContext } from '../context.js';
import { derive, type KTable, type StreamRecord } from '../record.js';
import type { Serde } from '../serdes.js';
import { keyId } from '../state/key-order.js';
import { KeyValueStore } from '../state/key-value-store.js';

export interface ForeignKeyJoinOptions<K, VR> {
  /** Store of the join result (queryable); this table's rows are kept in `<store>-this`, the other's in `<store>-other`. */
  store?: string;
  keySerde?: Serde<K>;
  valueSerde?: Serde<VR>;
}

/**
 * Joins this table to another by a foreign key extracted from each row (Kafka's `KTable#join(other,
 * foreignKeyExtractor, joiner)`): the result is keyed like this table, and is recomputed when this table's row
 * changes (its foreign key may change too) or when the other table's row for the foreign key changes, for every
 * row pointing at it. `inner` (default) has a result only when the other row exists; `left` joins with `null`.
 * When a key loses its result, a tombstone is emitted.
 *
 * The other table is looked up across every partition this instance holds: the two tables need not be
 * co-partitioned in the test driver or a single instance; with several instances, every instance must read the
 * other table in full.
 *
 * @example
 * ```ts
 * orders.pipe(foreignKeyJoin(products, (order) => order.productId, (order, product) => ({ ...order, product })))
 * ```
 */
export function foreignKeyJoin<K, V, KO, VO, VR>(
  other: KTable<KO, VO>,
  foreignKey: (value: V) => KO,
  joiner: (value: V, other: VO, key: K) => VR,
  options?: ForeignKeyJoinOptions<K, VR> & { type?: 'inner' },
): OperatorFunction<StreamRecord<K, V | null>, StreamRecord<K, VR | null>>;
export function foreignKeyJoin<K, V, KO, VO, VR>(
  other: KTable<KO, VO>,
  foreignKey: (value: V) => KO,
  joiner: (value: V, other: VO | null, key: K) => VR,
  options: ForeignKeyJoinOptions<K, VR> & { type: 'left' },
): OperatorFunction<StreamRecord<K, V | null>, StreamRecord<K, VR | null>>;
export function foreignKeyJoin<K, V, KO, VO, VR>(
  other: KTable<KO, VO>,
  foreignKey: (value: V) => KO,
  joiner: (value: V, other: VO | null, key: K) => VR,
  options: ForeignKeyJoinOptions<K, VR> & { type?: 'inner' | 'left' } = {},
): OperatorFunction<StreamRecord<K, V | null>, StreamRecord<K, VR | null>> {
  const left = options.type === 'left';
  return (source) =>
    new Observable((subscriber) => {
      const context = currentContext();
      const name = options.store ?? context.uniqueName('KTABLE-FK-JOIN-STORE');
      const rows = context.stores(
        `${name}-this`,
        (n) => new KeyValueStore<K, V>(n, { keySerde: options.keySerde }),
      );
      const foreign = context.stores(`${name}-other`, (n) => new KeyValueStore<KO, VO>(n));
      const results = context.stores(
        name,
        (n) => new KeyValueStore<K, VR>(n, { keySerde: options.keySerde, valueSerde: options.valueSerde }),
      );
      // Foreign key → rows pointing at it, by key identity. Rebuilt from the row stores when their partitions change
      // (a restore), maintained incrementally otherwise.
      let index = new Map<string, Map<string, { key: K; partition: number }>>();
      let indexed = -1;
      const link = (fk: KO, key: K, partition: number) => {
        let pointing = index.get(keyId(fk));
        if (pointing === undefined) index.set(keyId(fk), (pointing = new Map()));
        pointing.set(keyId(key), { key, partition });
      };
      const ensureIndex = () => {
        const partitions = rows.partitions();
        if (partitions.length === indexed) return;
        index = new Map();
        for (const [partition, store] of partitions) {
          for (const row of store.all()) link(foreignKey(row.value), row.key, partition);
        }
        indexed = partitions.length;
      };
      const lookup = (fk: KO) => {
        for (const [, store] of foreign.partitions()) {
          const entry = store.getEntry(fk);
          if (entry !== undefined) return entry;
        }
        return undefined;
      };
      const recompute = (origin: StreamRecord<unknown, unknown>, key: K, partition: number) => {
        const row = rows.partition(partition).getEntry(key);
        const target = row === undefined ? undefined : lookup(foreignKey(row.value));
        const result = results.partition(partition);
        if (row !== undefined && (target !== undefined || left)) {
          const value = joiner(row.value, target?.value ?? null, key);
          const timestamp = Math.max(row.timestamp, target?.timestamp ?? row.timestamp);
          result.put(key, value, timestamp);
          subscriber.next(derive(origin, key, value, timestamp));
        } else if (result.delete(key) !== undefined) {
          subscriber.next(derive(origin, key, null, origin.timestamp));
        }
      };

      const others = other.subscribe({
        next: (record) => {
          if (record.key === null || record.key === undefined) return;
          ensureIndex();
          const store = foreign.partition(record.partition);
          if (record.value === null || record.value === undefined) store.delete(record.key);
          else store.put(record.key, record.value, record.timestamp);
          for (const { key, partition } of [...(index.get(keyId(record.key))?.values() ?? [])]) {
            recompute(record, key, partition);
          }
        },
        error: (error) => subscriber.error(error),
      });
      const records = source.subscribe({
        next: (record) => {
          const { key, partition } = record;
          if (key === null || key === undefined) return;
          const store = rows.partition(partition);
          ensureIndex();
          const previous = store.get(key);
          if (previous !== undefined) index.get(keyId(foreignKey(previous)))?.delete(keyId(key));
          if (record.value === null || record.value === undefined) store.delete(key);
          else {
            store.put(key, record.value, record.timestamp);
            link(foreignKey(record.value), key, partition);
          }
          recompute(record, key, partition);
        },
        error: (error) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      return () => {
        records.unsubscribe();
        others.unsubscribe();
      };
    });
}
