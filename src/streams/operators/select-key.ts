import type { OperatorFunction } from 'rxjs';
import { type StreamRecord, withKey } from '../record.js';
import { stageOperator } from '../record-stream.js';

/**
 * Gives each record a new key computed from its key and value (Kafka's `selectKey`). Records keep their
 * partition: follow with {@link repartition} before a keyed operator when several instances share the work.
 *
 * @example
 * ```ts
 * orders$.pipe(selectKey((_, order) => order.customerId))
 * ```
 */
export function selectKey<K, V, KR>(
  selector: (key: K, value: V) => KR,
): OperatorFunction<StreamRecord<K, V>, StreamRecord<KR, V>> {
  return stageOperator((output) => ({
    next: (record: StreamRecord<K, V>) => output.next(withKey(record, selector(record.key, record.value))),
  }));
}
