import type { MonoTypeOperatorFunction } from 'rxjs';
import type { StreamRecord } from '../record.js';
import { stageOperator } from '../record-stream.js';

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
  return stageOperator((output) => ({
    next: (record: StreamRecord<K, V>) => {
      if (!predicate(record.key, record.value)) output.next(record);
    },
  }));
}
