import { filter, type MonoTypeOperatorFunction } from 'rxjs';
import type { StreamRecord } from '../record.js';

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
  return filter((record) => predicate(record.key, record.value));
}
