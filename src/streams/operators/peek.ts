import type { MonoTypeOperatorFunction } from 'rxjs';
import type { StreamRecord } from '../record.js';
import { stageOperator } from '../record-stream.js';

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
  return stageOperator((output) => ({
    next: (record: StreamRecord<K, V>) => {
      action(record.key, record.value, record);
      output.next(record);
    },
  }));
}
