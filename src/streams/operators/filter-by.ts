import type { MonoTypeOperatorFunction } from 'rxjs';
import type { StreamRecord } from '../record.js';
import { stageOperator } from '../record-stream.js';

/**
 * Keeps the records for which `predicate(key, value)` holds (Kafka's `filter`; named apart from RxJS's `filter`,
 * which also works on records).
 *
 * @example
 * ```ts
 * orders$.pipe(filterBy((_, order) => order.total > 100))
 * ```
 */
export function filterBy<K, V>(
  predicate: (key: K, value: V) => boolean,
): MonoTypeOperatorFunction<StreamRecord<K, V>> {
  return stageOperator((output) => ({
    next: (record: StreamRecord<K, V>) => {
      if (predicate(record.key, record.value)) output.next(record);
    },
  }));
}
