import type { OperatorFunction } from 'rxjs';
import { decoding, encoder } from '../codec.js';
import { currentContext } from '../context.js';
import type { StreamRecord } from '../record.js';
import { asRecordStream, stageOperator } from '../record-stream.js';
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
  return stageOperator((output) => {
    const context = currentContext();
    const topic = repartitionTopic(
      context.applicationId,
      options.name ?? context.uniqueName('KSTREAM-REPARTITION'),
    );
    const encode = encoder(topic, options.serdes);
    // What comes back from the internal topic is emitted from that topic's dispatch, not from this stage's input;
    // a failure downstream of it ends up in output.error, failing this pipeline.
    const stop = asRecordStream(context.source(topic))
      .through(decoding<K, V>(options.serdes))
      .connectTo({
        next: output.next,
        error: output.error,
        complete: () => {},
        get closed() {
          return output.closed;
        },
      });
    return {
      next: (record: StreamRecord<K, V>) => context.send(topic, encode(record)),
      teardown: stop,
    };
  });
}
