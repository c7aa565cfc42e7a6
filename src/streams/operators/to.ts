import type { MonoTypeOperatorFunction } from 'rxjs';
import { encoder } from '../codec.js';
import { currentContext } from '../context.js';
import type { StreamRecord } from '../record.js';
import { stageOperator } from '../record-stream.js';
import type { KeyValueSerdes } from '../serdes.js';

/**
 * Writes each record to `topic` with the given serdes (JSON where none is given) and passes it on, so a pipeline
 * can write and go on (Kafka's `to`, and `through` when followed by more operators). The partition is chosen from
 * the serialized key by the client's partitioner. Under `at_least_once` the runtime commits an input record's
 * offset only after what it caused here is durable.
 *
 * @example
 * ```ts
 * counts$.pipe(to('word-counts', { key: Serdes.string, value: Serdes.long }))
 * ```
 */
export function to<K, V>(
  topic: string,
  serdes: KeyValueSerdes<K, V> = {},
): MonoTypeOperatorFunction<StreamRecord<K, V>> {
  return stageOperator((output) => {
    const context = currentContext();
    context.declareSink(topic);
    const encode = encoder(topic, serdes);
    return {
      next: (record: StreamRecord<K, V>) => {
        context.send(topic, encode(record));
        output.next(record);
      },
    };
  });
}
