import { BatchingProducer } from '../batching-producer.js';
import type { ResolvedProducerOptions } from '../options.js';
import type { ClientContext } from './client-context.js';
import { EmbeddedTransactions } from './embedded-transactions.js';

/**
 * A producer that appends straight into the process's log, batching per partition (see {@link BatchingProducer}).
 * With a `transactional.id`, every batch is appended inside the producer's open transaction.
 */
export class EmbeddedProducer<K, V> extends BatchingProducer<K, V> {
  constructor(
    context: ClientContext,
    options: ResolvedProducerOptions<K, V>,
    onClose: (producer: EmbeddedProducer<K, V>) => void = () => {},
  ) {
    const acks = options.acks;
    const compression = options['compression.type'];
    const id = options['transactional.id'];
    const transactions =
      id === undefined ? undefined : new EmbeddedTransactions(context, id, acks, compression);
    super(
      {
        append: transactions
          ? (topic, partition, records) => transactions.append(topic, partition, records)
          : (topic, partition, records) =>
              context.log.append(topic, partition, records, { acks, compression }),
        appendBuilt:
          context.log.appendBuilt === undefined
            ? undefined
            : transactions
              ? (topic, partition, batch) => transactions.appendBuilt(topic, partition, batch)
              : (topic, partition, batch) =>
                  context.log.appendBuilt!(topic, partition, batch, { acks, compression }),
        partitionsOf: (topic, autoCreate) => context.partitionsOf(topic, autoCreate),
        partitionsNow: context.log.partitionCount?.bind(context.log),
        partitionForKey: (key, partitions) => context.settings.partitioner(key, partitions),
        // The log writes an append synchronously and only then waits for its fsync (acks=all). A transactional
        // append first waits for its partition to join the transaction, so it is not placed synchronously.
        pipelined: transactions === undefined,
        beginTransaction: transactions ? (producer) => transactions.begin(producer) : undefined,
      },
      options,
      async () => {
        await transactions?.close();
        onClose(this);
      },
    );
  }
}
