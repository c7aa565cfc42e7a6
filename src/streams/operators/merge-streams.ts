import { mergeWith, type OperatorFunction } from 'rxjs';
import type { KStream, StreamRecord } from '../record.js';

/**
 * Merges other streams into this one, in arrival order (Kafka's `merge`; RxJS's `mergeWith` under a name that
 * says what it is for here).
 *
 * @example
 * ```ts
 * webOrders$.pipe(mergeStreams(storeOrders$))
 * ```
 */
export function mergeStreams<K, V>(
  ...others: KStream<K, V>[]
): OperatorFunction<StreamRecord<K, V>, StreamRecord<K, V>> {
  return mergeWith(...others);
}
