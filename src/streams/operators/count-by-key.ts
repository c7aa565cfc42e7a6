import type { OperatorFunction } from 'rxjs';
import type { StreamRecord } from '../record.js';
import { Serdes } from '../serdes.js';
import { type AggregateOptions, aggregateByKey } from './aggregate-by-key.js';

/**
 * Counts the records of each key, emitting the key's new count after every record (Kafka's `count`; RxJS's `count` counts a whole stream). Counts are
 * written to the changelog as 64-bit integers, as Kafka's `LongSerde` does.
 *
 * @example
 * ```ts
 * words$.pipe(groupRecordsBy((_, word) => word), countByKey({ store: 'word-counts' }))
 * ```
 */
export function countByKey<K, V>(
  options: Omit<AggregateOptions<K, number>, 'valueSerde'> = {},
): OperatorFunction<StreamRecord<K, V>, StreamRecord<K, number>> {
  return aggregateByKey<K, V, number>(
    () => 0,
    (_key, _value, n) => n + 1,
    { ...options, valueSerde: Serdes.long },
  );
}
