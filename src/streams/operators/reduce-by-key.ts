import type { OperatorFunction } from 'rxjs';
import type { StreamRecord } from '../record.js';
import { type AggregateOptions, aggregateByKey } from './aggregate-by-key.js';

/**
 * Combines the values of each key with `reducer`, the first value of a key being its initial result, and emits the
 * key's new result after every record (Kafka's `reduce`; RxJS's `reduce` folds a whole
 * stream into one value at completion; this one folds per key and never waits).
 *
 * @example
 * ```ts
 * readings$.pipe(groupByKey(), reduceByKey((max, v) => Math.max(max, v), { store: 'max-reading' }))
 * ```
 */
export function reduceByKey<K, V>(
  reducer: (aggregate: V, value: V, key: K) => V,
  options: AggregateOptions<K, V> = {},
): OperatorFunction<StreamRecord<K, V>, StreamRecord<K, V>> {
  const unset = Symbol('unset');
  return aggregateByKey<K, V, V>(
    () => unset as V,
    (key, value, current) => (current === (unset as V) ? value : reducer(current, value, key)),
    options,
  );
}
