import type { OperatorFunction } from 'rxjs';
import { type StreamRecord, withValue } from '../record.js';
import { stageOperator } from '../record-stream.js';

/**
 * Replaces each record's value, keeping key, timestamp and origin (Kafka's `mapValues`). The key cannot change,
 * so no repartitioning is ever needed after it.
 *
 * @example
 * ```ts
 * orders$.pipe(mapValues((order) => order.total))
 * ```
 */
export function mapValues<K, V, VR>(
  mapper: (value: V, key: K) => VR,
): OperatorFunction<StreamRecord<K, V>, StreamRecord<K, VR>> {
  return stageOperator((output) => ({
    next: (record: StreamRecord<K, V>) => output.next(withValue(record, mapper(record.value, record.key))),
  }));
}
