import { BatchingProducer } from '../batching-producer.js';
import type { ResolvedProducerOptions } from '../options.js';
import type { ClientContext } from './client-context.js';

/** A producer that appends straight into the process's log, batching per partition (see {@link BatchingProducer}). */
export class EmbeddedProducer<K, V> extends BatchingProducer<K, V> {
  constructor(
    context: ClientContext,
    options: ResolvedProducerOptions<K, V>,
    onClose: (producer: EmbeddedProducer<K, V>) => void = () => {},
  ) {
    const acks = options.acks;
    super(
      {
        append: (topic, partition, records) => context.log.append(topic, partition, records, { acks }),
        partitionsOf: (topic, autoCreate) => context.partitionsOf(topic, autoCreate),
        partitionForKey: (key, partitions) => context.settings.partitioner(key, partitions),
        // The log writes an append synchronously and only then waits for its fsync (acks=all).
        pipelined: true,
      },
      options,
      () => onClose(this),
    );
  }
}
