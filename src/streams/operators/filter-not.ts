import { filter, type MonoTypeOperatorFunction } from 'rxjs';
import type { StreamRecord } from '../record.js';

/**
 * Drops the records for which `predicate(key, value)` holds (Kafka's `filterNot`).
 *
 * @example
 * ```ts
 * events$.pipe(filterNot((_, event) => event.type === 'heartbeat'))
 * ```
 */
export function filterNot<K, V>(
  predicate: (key: K, value: V) => boolean,
): MonoTypeOperatorFunction<StreamRecord<K, V>> {
  return filter((record) => !predicate(record.key, record.value));
}
