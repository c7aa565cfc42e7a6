import type { OperatorFunction } from 'rxjs';
import { currentContext } from '../context.js';
import { derive, type StreamRecord } from '../record.js';
import { stageOperator } from '../record-stream.js';
import type { Serde } from '../serdes.js';
import { keyId } from '../state/key-order.js';
import { KeyValueStore } from '../state/key-value-store.js';

/** Where a keyed aggregation keeps its state. */
export interface AggregateOptions<K, VA> {
  /** Store name, queryable with `app.store(name)` and backed by `<app>-<name>-changelog`; generated when omitted. */
  store?: string;
  /** Encodes keys in the changelog. Default JSON. */
  keySerde?: Serde<K>;
  /** Encodes aggregates in the changelog. Default JSON. */
  valueSerde?: Serde<VA>;
  /**
   * `changes` (default): emit the key's new aggregate after every record. `on-commit`: emit only the latest
   * aggregate of each updated key at each commit (Kafka's record cache): far fewer output records when keys repeat.
   */
  emit?: 'changes' | 'on-commit';
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
  return stageOperator((output) => {
    const context = currentContext();
    const name = options.store ?? context.uniqueName('KSTREAM-AGGREGATE-STATE-STORE');
    const stores = context.stores(
      name,
      (storeName) =>
        new KeyValueStore<K, VA>(storeName, { keySerde: options.keySerde, valueSerde: options.valueSerde }),
    );
    // emit: 'on-commit' — each store holds the record that last updated each key (Kafka's record cache); the
    // partitions whose store holds some, in the order they first did since the last commit.
    const holding = new Set<number>();
    const onCommit = options.emit === 'on-commit';
    const release = () => {
      const partitions = [...holding];
      holding.clear();
      for (const partition of partitions) {
        // A store dropped meanwhile (its partition revoked) has nothing to forward: its task is elsewhere now.
        stores
          .existing(partition)
          ?.releaseHeld((entry, origin) =>
            output.next(derive(origin, entry.key, entry.value, entry.timestamp)),
          );
      }
    };
    // A commit listener runs outside any record's processing: what fails downstream fails the pipeline here.
    const unregister = onCommit
      ? context.onCommit(() => {
          try {
            release();
          } catch (error) {
            output.error(error);
          }
        })
      : undefined;
    return {
      next: (record: StreamRecord<K, V>) => {
        const { key, value } = record;
        if (key === null || key === undefined || value === null || value === undefined) return;
        const store = stores.partition(record.partition);
        const id = keyId(key);
        const found = store.getEntryById(id);
        const result = aggregator(key, value, found === undefined ? initializer() : found.value);
        const timestamp =
          found === undefined ? record.timestamp : Math.max(found.timestamp, record.timestamp);
        const entry = store.update(id, key, found, result, timestamp);
        if (onCommit) {
          if (store.hold(entry, record)) holding.add(record.partition);
        } else output.next(derive(record, key, result, timestamp));
      },
      complete: release,
      teardown: () => unregister?.(),
    };
  });
}
