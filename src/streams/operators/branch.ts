import { filter, map, share } from 'rxjs';
import type { KStream, StreamRecord } from '../record.js';

/**
 * Splits a stream by predicates (Kafka's `split().branch(...)`): a record goes to the first branch whose
 * predicate holds, or to the last, default branch when none does. Returns one stream per predicate plus the
 * default; the source is read once, and each predicate tried at most once per record, however many branches
 * are used. Subscribe every branch you use before records flow (an app subscribes all its pipelines at start).
 *
 * @example
 * ```ts
 * const [large, medium, rest] = branch(orders$, (_, o) => o.total > 1000, (_, o) => o.total > 100);
 * ```
 */
export function branch<K, V>(
  source: KStream<K, V>,
  ...predicates: ((key: K, value: V) => boolean)[]
): KStream<K, V>[] {
  const routed = source.pipe(
    map((record): [number, StreamRecord<K, V>] => {
      let i = 0;
      while (i < predicates.length && !predicates[i](record.key, record.value)) i++;
      return [i, record];
    }),
    share(),
  );
  return Array.from({ length: predicates.length + 1 }, (_, i) =>
    routed.pipe(
      filter(([branchIndex]) => branchIndex === i),
      map(([, record]) => record),
    ),
  );
}
