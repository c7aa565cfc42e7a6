import { type OperatorFunction, pipe } from 'rxjs';
import type { StreamRecord } from '../record.js';
import type { KeyValueSerdes } from '../serdes.js';
import { groupByKey } from './group-by-key.js';
import { repartition } from './repartition.js';
import { selectKey } from './select-key.js';

/**
 * Re-keys records by `selector(key, value)` and repartitions them by the new key, ready for a keyed aggregation
 * (Kafka's `groupBy`; named apart from RxJS's `groupBy`). Records whose new key is null or undefined are dropped.
 *
 * @example
 * ```ts
 * words$.pipe(groupRecordsBy((_, word) => word), count({ store: 'word-counts' }))
 * ```
 */
export function groupRecordsBy<K, V, KR>(
  selector: (key: K, value: V) => KR | null | undefined,
  options: { name?: string; serdes?: KeyValueSerdes<KR, V> } = {},
): OperatorFunction<StreamRecord<K, V>, StreamRecord<KR, V>> {
  return pipe(selectKey(selector), groupByKey<KR, V>(), repartition<KR, V>(options));
}
