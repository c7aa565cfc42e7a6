import { identity, type OperatorFunction } from 'rxjs';
import type { StreamRecord } from '../record.js';

/**
 * Reads a table's changelog as a stream of facts (Kafka's `toStream`): each update becomes a record, a
 * tombstone becomes a record with a null value. Records are passed on as they are; only their meaning changes.
 *
 * @example
 * ```ts
 * counts.pipe(toStream(), to('word-counts', { key: Serdes.string, value: Serdes.long }))
 * ```
 */
export function toStream<K, V>(): OperatorFunction<StreamRecord<K, V>, StreamRecord<K, V>> {
  return identity;
}
