import { map, Observable, type OperatorFunction } from 'rxjs';
import { decoder, encoder } from '../codec.js';
import { currentContext } from '../context.js';
import type { StreamRecord } from '../record.js';
import type { KeyValueSerdes } from '../serdes.js';

export interface RepartitionOptions<K, V> {
  /** Names the internal topic `<app>-<name>-repartition`; generated when omitted. */
  name?: string;
  /** How keys and values are written to the internal topic. Default JSON. */
  serdes?: KeyValueSerdes<K, V>;
}

/** The internal topic a repartition step writes to and reads from. */
export function repartitionTopic(applicationId: string, name: string): string {
  return `${applicationId}-${name}-repartition`;
}

/**
 * Routes records through an internal topic partitioned by their current key (Kafka's `repartition`), so that
 * every record of a key is processed by the same task, whichever instance read it. Records come out of the
 * internal topic with its partition and offset; the original timestamp and headers are kept.
 *
 * @example
 * ```ts
 * orders$.pipe(selectKey((_, o) => o.customerId), repartition({ name: 'by-customer' }), count())
 * ```
 */
export function repartition<K, V>(
  options: RepartitionOptions<K, V> = {},
): OperatorFunction<StreamRecord<K, V>, StreamRecord<K, V>> {
  return (source) =>
    new Observable((subscriber) => {
      const context = currentContext();
      const topic = repartitionTopic(
        context.applicationId,
        options.name ?? context.uniqueName('KSTREAM-REPARTITION'),
      );
      const encode = encoder(topic, options.serdes);
      const fromTopic = context
        .source(topic)
        .pipe(map(decoder<K, V>(options.serdes)))
        .subscribe({ next: (record) => subscriber.next(record), error: (error) => subscriber.error(error) });
      const toTopic = source.subscribe({
        next: (record) => context.send(topic, encode(record)),
        error: (error) => subscriber.error(error),
        complete: () => subscriber.complete(),
      });
      return () => {
        toTopic.unsubscribe();
        fromTopic.unsubscribe();
      };
    });
}
