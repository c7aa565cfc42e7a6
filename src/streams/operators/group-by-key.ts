import type { OperatorFunction } from 'rxjs';
import type { StreamRecord } from '../record.js';
import { stageOperator } from '../record-stream.js';

/**
 * Prepares a stream for a keyed aggregation (`count`, `reduce`, `aggregate`, windowed ones) by its current key
 * (Kafka's `groupByKey`): records with a null or undefined key are dropped, as Kafka drops them. The key is taken
 * to be partitioned already: after {@link selectKey}, use {@link groupRecordsBy} or {@link repartition} instead.
 *
 * @example
 * ```ts
 * clicks$.pipe(groupByKey(), count({ store: 'clicks-per-user' }))
 * ```
 */
export function groupByKey<K, V>(): OperatorFunction<
  StreamRecord<K | null | undefined, V>,
  StreamRecord<K, V>
> {
  return stageOperator((output) => ({
    next: (record: StreamRecord<K | null | undefined, V>) => {
      if (record.key !== null && record.key !== undefined) output.next(record as StreamRecord<K, V>);
    },
  }));
}
