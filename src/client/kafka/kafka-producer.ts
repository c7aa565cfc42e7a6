import type { Producer as KafkaJsProducer } from 'kafkajs';
import { COMPRESSION_TYPES } from '../../log/index.js';
import type { AppendRecord, AppendResult, Header } from '../../log/types.js';
import { BatchingProducer } from '../batching-producer.js';
import type { ResolvedProducerOptions } from '../options.js';
import type { KafkaContext } from './kafka-context.js';
import { kafkaCall } from './kafka-errors.js';
import { kafkajs } from './kafkajs.js';

/**
 * A producer over kafkajs. kafkajs sends each `send` call as it comes, so batching by `linger.ms`/`batch.size`
 * and the `buffer.memory` bound happen before kafkajs sees the records (in {@link BatchingProducer}, as for the
 * embedded backend); partitions are chosen there too (murmur2), so kafkajs only ever gets records with a partition.
 */
export class KafkaProducer<K, V> extends BatchingProducer<K, V> {
  constructor(context: KafkaContext, options: ResolvedProducerOptions<K, V>, onClose: () => void = () => {}) {
    let connection: Promise<KafkaJsProducer> | null = null;
    const producer = () =>
      (connection ??= (async () => {
        // Every record carries its partition, so kafkajs's partitioner never runs; naming one keeps kafkajs from
        // printing its v2 partitioner-change warning on every start.
        const p = context.kafka.producer({
          allowAutoTopicCreation: false,
          createPartitioner: kafkajs().Partitioners.DefaultPartitioner,
        });
        await kafkaCall({}, () => p.connect());
        return p;
      })());
    const acks = options.acks === 'all' ? -1 : options.acks;
    // kafkajs's CompressionTypes are the batch attribute ids.
    const compression = COMPRESSION_TYPES.indexOf(options['compression.type']);
    /** One partition's batch as one produce request; offsets are the base offset plus the record's index. */
    const append = async (
      topic: string,
      partition: number,
      records: AppendRecord[],
    ): Promise<AppendResult> => {
      const p = await producer();
      const [result] = await kafkaCall({ topic, partition }, () =>
        p.send({
          topic,
          acks,
          compression,
          messages: records.map((r) => ({
            partition,
            key: r.key ?? null,
            value: r.value ?? null,
            timestamp: String(r.timestamp),
            headers: toKafkaJsHeaders(r.headers ?? []),
          })),
        }),
      );
      const baseOffset = result?.baseOffset === undefined ? -1 : Number(result.baseOffset);
      const logAppendTime = result?.logAppendTime === undefined ? -1 : Number(result.logAppendTime);
      return { baseOffset, lastOffset: baseOffset + records.length - 1, logAppendTime };
    };
    super(
      {
        append,
        partitionsOf: (topic, autoCreate) => context.partitionsOf(topic, autoCreate),
        partitionForKey: (key, partitions) => context.partitionForKey(key, partitions),
      },
      options,
      async () => {
        const open = connection;
        connection = null;
        if (open) await (await open.catch(() => null))?.disconnect();
        onClose();
      },
    );
  }
}

/**
 * kafkajs takes headers as an object; a repeated key becomes an array of values, which kafkajs writes as
 * repeated headers in order, so duplicates survive.
 */
function toKafkaJsHeaders(headers: Header[]): Record<string, Buffer[]> {
  const out: Record<string, Buffer[]> = {};
  for (const h of headers) (out[h.key] ??= []).push(h.value ?? Buffer.alloc(0));
  return out;
}
