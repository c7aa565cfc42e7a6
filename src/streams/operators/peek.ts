import { type MonoTypeOperatorFunction, tap } from 'rxjs';
import type { StreamRecord } from '../record.js';

/**
 * Calls `action(key, value, record)` for each record and passes it on unchanged (Kafka's `peek`): for logging and
 * metrics, not for changing state other operators rely on.
 *
 * @example
 * ```ts
 * orders$.pipe(peek((key, order) => log.debug({ key, order }, 'order in')))
 * ```
 */
export function peek<K, V>(
  action: (key: K, value: V, record: StreamRecord<K, V>) => void,
): MonoTypeOperatorFunction<StreamRecord<K, V>> {
  return tap((record) => action(record.key, record.value, record));
}
