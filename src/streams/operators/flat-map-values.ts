import { Observable, type OperatorFunction } from 'rxjs';
import { type StreamRecord, withValue } from '../record.js';

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
  return (source) =>
    new Observable((subscriber) =>
      source.subscribe({
        next: (record) => {
          for (const value of mapper(record.value, record.key)) subscriber.next(withValue(record, value));
        },
        error: (error) => subscriber.error(error),
        complete: () => subscriber.complete(),
      }),
    );
}
