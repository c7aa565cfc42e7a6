import { BadInputError, ClientStateError, ConfigError, UnknownPartitionError } from '../errors.js';
import type { RecordsBuilder } from '../log/codec/record-batch.js';
import type { AppendRecord, AppendResult, Header } from '../log/types.js';
import { RecordAccumulator } from './embedded/record-accumulator.js';
import { BatchAck, SendState } from './embedded/send-state.js';
import type { ResolvedProducerOptions } from './options.js';
import type { Producer, TopicMessages, Transaction } from './producer.js';
import type { ProducerRecord, RecordHeaders, RecordMetadata } from './records.js';
import { type Serde, serdes } from './serde.js';

// Bytes a record costs beyond its key, value and headers (the v2 record's length, attributes, deltas and counts).
const RECORD_OVERHEAD = 21;

/** What a backend supplies to a {@link BatchingProducer}: where batches go and how topics are sized. */
export interface ProducerBackend {
  /** Appends one partition's sealed batch, resolving per the producer's acks. */
  append(topic: string, partition: number, records: AppendRecord[]): Promise<AppendResult>;
  /**
   * Appends one partition's sealed batch built record by record; when present, the producer encodes each record
   * into its batch as it queues it, and `append` is not used.
   */
  appendBuilt?(topic: string, partition: number, batch: RecordsBuilder): Promise<AppendResult>;
  /** The topic's partition count, creating the topic when allowed. */
  partitionsOf(topic: string, autoCreate: boolean): Promise<number>;
  /** The topic's partition count when known without waiting (the topic exists); undefined otherwise. */
  partitionsNow?(topic: string): number | undefined;
  /** The default partitioner for keyed records (murmur2, as Kafka's Java client). */
  partitionForKey(key: Buffer, partitions: number): number;
  /**
   * True when `append` places the records in order before it returns (acknowledging later), so a partition's next
   * batch need not wait for the previous one's acknowledgement.
   */
  readonly pipelined?: boolean;
  /** Opens a transaction whose sends go through `producer`; absent when the producer is not transactional. */
  beginTransaction?(producer: Producer<never, never>): Promise<Transaction<never, never>>;
}

/**
 * The {@link Producer} both backends share: records are serialized and placed before anything is queued (a bad
 * record rejects the call with nothing sent), accumulated per partition by `linger.ms` and `batch.size` within
 * `buffer.memory`, and each sealed batch is handed to the backend as one append.
 */
export class BatchingProducer<K, V> implements Producer<K, V> {
  private readonly accumulator: RecordAccumulator;
  /** Keyless records stick to one partition per topic until its batch is sealed (Kafka's sticky partitioner). */
  private readonly sticky = new Map<string, number>();
  /**
   * The placing of the previous send. Placing may wait (for a topic to be created, for buffer room), and a send must
   * not overtake an earlier one while it waits: records of one producer keep their order in a partition.
   */
  private placing: Promise<unknown> = Promise.resolve();
  /** Calls waiting in {@link BatchingProducer.placing}: a call is placed at once only when none is. */
  private placings = 0;
  private closed = false;
  /** Both serdes hand bytes through unchanged: a record of bytes needs no serializing. */
  private readonly passthrough: boolean;

  constructor(
    private readonly backend: ProducerBackend,
    private readonly options: ResolvedProducerOptions<K, V>,
    private readonly onClose: () => Promise<void> | void = () => {},
  ) {
    this.accumulator = new RecordAccumulator(
      (topic, partition, records) => backend.append(topic, partition, records),
      options['linger.ms'],
      options['batch.size'],
      options['buffer.memory'],
      (topic, partition) => {
        if (this.sticky.get(topic) === partition) this.sticky.delete(topic);
      },
      backend.pipelined ?? false,
      backend.appendBuilt?.bind(backend),
    );
    this.passthrough = isPassthrough(options.keySerde) && isPassthrough(options.valueSerde);
  }

  send(topic: string, records: ProducerRecord<K, V> | ProducerRecord<K, V>[]): Promise<RecordMetadata[]>;
  send(...batches: TopicMessages<K, V>[]): Promise<RecordMetadata[]>;
  async send(...args: unknown[]): Promise<RecordMetadata[]> {
    const state = new SendState();
    await this.queue(args, state);
    return this.options.acks === 0 ? state.unacknowledged() : state.done;
  }

  sendBatch(topic: string, records: ProducerRecord<K, V>[]): Promise<void>;
  sendBatch(...batches: TopicMessages<K, V>[]): Promise<void>;
  async sendBatch(...args: unknown[]): Promise<void> {
    const ack = new BatchAck();
    await this.queue(args, ack);
    if (this.options.acks !== 0) await ack.done;
  }

  /**
   * Places the records of one `send`/`sendBatch` call after those of the calls before it: at once when no earlier
   * call is still being placed, every topic's partition count is known and the buffer has room (records then go
   * into their batches before this returns, so none is kept alive meanwhile); else after the calls before it.
   */
  private queue(args: unknown[], owner: SendState | BatchAck): Promise<void> {
    if (this.closed) {
      return Promise.reject(
        new ClientStateError('CLIENT_CLOSED', 'the producer is closed; create a new one'),
      );
    }
    const batches: TopicMessages<K, V>[] =
      typeof args[0] === 'string'
        ? [{ topic: args[0], messages: toArray(args[1] as ProducerRecord<K, V> | ProducerRecord<K, V>[]) }]
        : (args as TopicMessages<K, V>[]);
    if (this.placings === 0) {
      try {
        if (this.placeNow(batches, owner)) return Promise.resolve();
      } catch (error) {
        return Promise.reject(error);
      }
    }
    this.placings++;
    const placed = this.placing.then(() => this.place(batches, owner));
    this.placing = placed.then(
      () => {
        this.placings--;
      },
      () => {
        this.placings--;
      },
    );
    return placed;
  }

  /** {@link BatchingProducer.place} without waiting; false (nothing placed) when it would have to wait. */
  private placeNow(batches: TopicMessages<K, V>[], owner: SendState | BatchAck): boolean {
    const partitionsNow = this.backend.partitionsNow;
    if (partitionsNow === undefined) return false;
    const counts: number[] = new Array(batches.length);
    for (let b = 0; b < batches.length; b++) {
      const count = partitionsNow(batches[b]!.topic);
      if (count === undefined) return false;
      counts[b] = count;
    }
    const prepared = this.prepare(batches, counts);
    if (!this.accumulator.fits(prepared.bytes)) return false;
    this.enqueue(batches, prepared, owner);
    return true;
  }

  /**
   * Serializes and partitions every record of the call, then queues them; resolves once queued. Nothing is queued
   * when one record fails to serialize or names a bad partition.
   */
  private async place(batches: TopicMessages<K, V>[], owner: SendState | BatchAck): Promise<void> {
    const counts: number[] = new Array(batches.length);
    for (let b = 0; b < batches.length; b++) {
      counts[b] = await this.backend.partitionsOf(
        batches[b]!.topic,
        this.options['allow.auto.create.topics'],
      );
    }
    const prepared = this.prepare(batches, counts);
    if (this.accumulator.fits(prepared.bytes)) {
      this.enqueue(batches, prepared, owner);
      return;
    }
    if (owner instanceof SendState) owner.expect(batches, prepared.partitions, prepared.records);
    else owner.expect(prepared.records.length);
    const { records, partitions, sizes } = prepared;
    let at = 0;
    for (let b = 0; b < batches.length; b++) {
      const topic = batches[b]!.topic;
      const end = at + batches[b]!.messages.length;
      for (; at < end; at++) {
        const size = sizes[at]!;
        if (!this.accumulator.hasRoom(size)) await this.accumulator.room(size);
        this.accumulator.add(topic, partitions[at]!, records[at]!, size, owner, at);
      }
    }
  }

  /** Every record of the call serialized, with its partition and size; throws, queueing nothing, on a bad one. */
  private prepare(batches: TopicMessages<K, V>[], counts: number[]): Prepared {
    const now = Date.now();
    let total = 0;
    for (const { messages } of batches) total += messages.length;
    const records: AppendRecord[] = new Array(total);
    const partitions = new Int32Array(total);
    const sizes = new Float64Array(total);
    let bytes = 0;
    let at = 0;
    for (let b = 0; b < batches.length; b++) {
      const { topic, messages } = batches[b]!;
      const count = counts[b]!;
      for (let i = 0; i < messages.length; i++, at++) {
        const message = messages[i]!;
        const record = this.serialize(topic, message, now);
        partitions[at] = this.partitionFor(topic, count, message.partition, record.key ?? null);
        records[at] = record;
        const size = recordBytes(record);
        sizes[at] = size;
        bytes += size;
      }
    }
    return { records, partitions, sizes, bytes };
  }

  /** Queues prepared records that fit in the buffer, in the call's order. */
  private enqueue(batches: TopicMessages<K, V>[], prepared: Prepared, owner: SendState | BatchAck): void {
    const { records, partitions, sizes } = prepared;
    if (owner instanceof SendState) owner.expect(batches, partitions, records);
    else owner.expect(records.length);
    let at = 0;
    for (let b = 0; b < batches.length; b++) {
      const topic = batches[b]!.topic;
      const end = at + batches[b]!.messages.length;
      for (; at < end; at++)
        this.accumulator.add(topic, partitions[at]!, records[at]!, sizes[at]!, owner, at);
    }
  }

  flush(): Promise<void> {
    return this.accumulator.flush();
  }

  async transaction(): Promise<Transaction<K, V>> {
    if (this.closed) throw new ClientStateError('CLIENT_CLOSED', 'the producer is closed; create a new one');
    if (this.backend.beginTransaction === undefined) {
      throw new ConfigError(
        "producer.transaction() needs a producer created with 'transactional.id' (embedded backend)",
        { key: 'transactional.id' },
      );
    }
    return (await this.backend.beginTransaction(this as Producer<never, never>)) as Transaction<K, V>;
  }

  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    await this.accumulator.flush();
    await this.onClose();
  }

  private serialize(topic: string, message: ProducerRecord<K, V>, now: number): AppendRecord {
    // Records whose key and value are bytes already, with headers as a list and a timestamp, are what the log
    // appends: they are queued as they are, with no copy (streams outputs, Connect sources, repartitions).
    if (this.passthrough && isAppendable(message)) return message as unknown as AppendRecord;
    try {
      return {
        key: message.key === undefined ? null : this.options.keySerde.serialize(message.key, topic),
        value: this.options.valueSerde.serialize(message.value, topic),
        headers: message.headers === undefined ? undefined : toHeaders(message.headers),
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
    if (key !== null) {
      const partitioner = this.options.partitioner;
      if (partitioner !== undefined) return partitioner(key, count);
      // Hashing the key cannot pick anything else: repartition and changelog topics often have one partition.
      return count === 1 ? 0 : this.backend.partitionForKey(key, count);
    }
    let partition = this.sticky.get(topic);
    if (partition === undefined || partition >= count) {
      partition = Math.floor(Math.random() * count);
      this.sticky.set(topic, partition);
    }
    return partition;
  }
}

/** The records of one call, serialized and placed, before they are queued. */
interface Prepared {
  records: AppendRecord[];
  partitions: Int32Array;
  sizes: Float64Array;
  bytes: number;
}

function isPassthrough(serde: Serde<unknown>): boolean {
  return serde === serdes.buffer || serde === serdes.bytes;
}

/** True when the record is an AppendRecord as it is: Buffer (or absent) key, Buffer or null value, header list, timestamp. */
function isAppendable(message: ProducerRecord<unknown, unknown>): boolean {
  const { key, value, headers } = message;
  return (
    (key === undefined || key === null || Buffer.isBuffer(key)) &&
    (value === null || Buffer.isBuffer(value)) &&
    (headers === undefined || Array.isArray(headers)) &&
    typeof message.timestamp === 'number'
  );
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

function recordBytes(record: AppendRecord): number {
  let bytes = RECORD_OVERHEAD + (record.key?.length ?? 0) + (record.value?.length ?? 0);
  const headers = record.headers;
  if (headers !== undefined) {
    for (const header of headers) bytes += header.key.length + (header.value?.length ?? 0) + 2;
  }
  return bytes;
}
