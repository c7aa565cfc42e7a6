import type { Producer as KafkaJsProducer } from 'kafkajs';
import { BadInputError, ClientStateError, UnknownPartitionError } from '../../errors.js';
import type { AppendRecord, AppendResult, Header } from '../../log/types.js';
import { RecordAccumulator } from '../embedded/record-accumulator.js';
import { SendState } from '../embedded/send-state.js';
import type { ResolvedProducerOptions } from '../options.js';
import type { Producer, TopicMessages } from '../producer.js';
import type { ProducerRecord, RecordHeaders, RecordMetadata } from '../records.js';
import type { KafkaContext } from './kafka-context.js';
import { kafkaCall } from './kafka-errors.js';

// Bytes a record costs beyond its key, value and headers (the v2 record's length, attributes, deltas and counts).
const RECORD_OVERHEAD = 21;

/**
 * A producer over kafkajs. kafkajs sends each `send` call as it comes, so batching by `linger.ms`/`batch.size`
 * and the `buffer.memory` bound happen here, per partition, before kafkajs sees the records; partitions are
 * chosen here too (murmur2, as the embedded backend), so kafkajs only ever gets records with a partition.
 */
export class KafkaProducer<K, V> implements Producer<K, V> {
  private readonly accumulator: RecordAccumulator;
  private readonly sticky = new Map<string, number>();
  private connection: Promise<KafkaJsProducer> | null = null;
  private closed = false;

  constructor(
    private readonly context: KafkaContext,
    private readonly options: ResolvedProducerOptions<K, V>,
    private readonly onClose: () => void = () => {},
  ) {
    this.accumulator = new RecordAccumulator(
      (topic, partition, records) => this.append(topic, partition, records),
      options['linger.ms'],
      options['batch.size'],
      options['buffer.memory'],
      (topic, partition) => {
        if (this.sticky.get(topic) === partition) this.sticky.delete(topic);
      },
    );
  }

  send(topic: string, records: ProducerRecord<K, V> | ProducerRecord<K, V>[]): Promise<RecordMetadata[]>;
  send(...batches: TopicMessages<K, V>[]): Promise<RecordMetadata[]>;
  async send(...args: unknown[]): Promise<RecordMetadata[]> {
    if (this.closed) throw new ClientStateError('CLIENT_CLOSED', 'the producer is closed; create a new one');
    const batches: TopicMessages<K, V>[] =
      typeof args[0] === 'string'
        ? [{ topic: args[0], messages: toArray(args[1] as ProducerRecord<K, V> | ProducerRecord<K, V>[]) }]
        : (args as TopicMessages<K, V>[]);
    const topics: string[] = [];
    const partitions: number[] = [];
    const prepared: AppendRecord[] = [];
    const sizes: number[] = [];
    const now = Date.now();
    for (const { topic, messages } of batches) {
      const count = await this.context.partitionsOf(topic, this.options['allow.auto.create.topics']);
      for (const message of messages) {
        const record = this.serialize(topic, message, now);
        topics.push(topic);
        partitions.push(this.partitionFor(topic, count, message.partition, record.key ?? null));
        prepared.push(record);
        sizes.push(recordBytes(record));
      }
    }
    const state = new SendState(topics, partitions);
    for (let i = 0; i < prepared.length; i++) {
      if (!this.accumulator.hasRoom(sizes[i])) await this.accumulator.room(sizes[i]);
      this.accumulator.add(topics[i], partitions[i], prepared[i], sizes[i], state, i);
    }
    if (this.options.acks === 0) {
      return prepared.map((r, i) => ({
        topic: topics[i],
        partition: partitions[i],
        offset: -1,
        timestamp: r.timestamp ?? now,
      }));
    }
    return state.done;
  }

  flush(): Promise<void> {
    return this.accumulator.flush();
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.accumulator.flush();
    const connection = this.connection;
    this.connection = null;
    if (connection) await (await connection.catch(() => null))?.disconnect();
    this.onClose();
  }

  private producer(): Promise<KafkaJsProducer> {
    this.connection ??= (async () => {
      const producer = this.context.kafka.producer({ allowAutoTopicCreation: false });
      await kafkaCall({}, () => producer.connect());
      return producer;
    })();
    return this.connection;
  }

  /** One partition's batch as one produce request; offsets are the base offset plus the record's index. */
  private async append(topic: string, partition: number, records: AppendRecord[]): Promise<AppendResult> {
    const producer = await this.producer();
    const acks = this.options.acks === 'all' ? -1 : this.options.acks;
    const [result] = await kafkaCall({ topic, partition }, () =>
      producer.send({
        topic,
        acks,
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
  }

  private serialize(topic: string, message: ProducerRecord<K, V>, now: number): AppendRecord {
    try {
      return {
        key: message.key === undefined ? null : this.options.keySerde.serialize(message.key, topic),
        value: this.options.valueSerde.serialize(message.value, topic),
        headers: message.headers === undefined ? [] : toHeaders(message.headers),
        timestamp: message.timestamp ?? now,
      };
    } catch (cause) {
      if (cause instanceof BadInputError) throw cause;
      throw new BadInputError(
        `cannot serialize a record for topic ${JSON.stringify(topic)}: ${String(cause)}`,
        {
          cause,
        },
      );
    }
  }

  private partitionFor(
    topic: string,
    count: number,
    explicit: number | undefined,
    key: Buffer | null,
  ): number {
    if (explicit !== undefined) {
      if (!Number.isInteger(explicit) || explicit < 0 || explicit >= count) {
        throw new UnknownPartitionError(topic, explicit, count);
      }
      return explicit;
    }
    if (key !== null)
      return this.options.partitioner?.(key, count) ?? this.context.partitionForKey(key, count);
    let partition = this.sticky.get(topic);
    if (partition === undefined || partition >= count) {
      partition = Math.floor(Math.random() * count);
      this.sticky.set(topic, partition);
    }
    return partition;
  }
}

function toArray<T>(value: T | T[]): T[] {
  return Array.isArray(value) ? value : [value];
}

function toHeaders(headers: RecordHeaders): Header[] {
  if (Array.isArray(headers)) return headers;
  return Object.entries(headers).map(([key, value]) => ({
    key,
    value: typeof value === 'string' ? Buffer.from(value, 'utf8') : value,
  }));
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

function recordBytes(record: AppendRecord): number {
  let bytes = RECORD_OVERHEAD + (record.key?.length ?? 0) + (record.value?.length ?? 0);
  for (const header of record.headers ?? []) bytes += header.key.length + (header.value?.length ?? 0) + 2;
  return bytes;
}
