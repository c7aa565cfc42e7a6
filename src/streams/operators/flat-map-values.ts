import type { OperatorFunction } from 'rxjs';
import { type StreamRecord, withValue } from '../record.js';
import { stageOperator } from '../record-stream.js';

/**
 * Replaces each record by zero or more records with the same key, one per value the mapper returns (Kafka's
 * `flatMapValues`).
 *
 * @example
 * ```ts
 * lines$.pipe(flatMapValues((line) => line.split(' ')))
 * ```
 */
export function flatMapValues<K, V, VR>(
  mapper: (value: V, key: K) => Iterable<VR>,
): OperatorFunction<StreamRecord<K, V>, StreamRecord<K, VR>> {
  return stageOperator((output) => ({
    next: (record: StreamRecord<K, V>) => {
      const values = mapper(record.value, record.key);
      if (Array.isArray(values)) {
        // Arrays (what split and map return) without the iterator protocol: the hot path of word counts.
        for (let i = 0; i < values.length && !output.closed; i++) output.next(withValue(record, values[i]));
        return;
      }
      for (const value of values) {
        if (output.closed) return;
        output.next(withValue(record, value));
      }
    },
  }));
}
