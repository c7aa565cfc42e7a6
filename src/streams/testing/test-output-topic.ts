import type { Header } from '../../log/types.js';
import type { SinkRecord } from '../context.js';
import { type KeyValueSerdes, Serdes } from '../serdes.js';

/** A record read back from an output topic of the test driver. */
export interface TestRecord<K, V> {
  key: K;
  value: V;
  timestamp: number;
  headers: readonly Header[];
  partition: number;
  offset: number;
}

/**
 * Reads what the pipelines wrote to one topic, decoded with the topic's serdes, in the order written. Each reader
 * has its own position: reading consumes from this reader only.
 */
export class TestOutputTopic<K, V> {
  #position = 0;

  constructor(
    readonly topic: string,
    private readonly serdes: KeyValueSerdes<K, V>,
    private readonly written: () => (SinkRecord & { partition: number; offset: number })[],
  ) {}

  /** Records written and not read yet by this reader. */
  get size(): number {
    return this.written().length - this.#position;
  }

  isEmpty(): boolean {
    return this.size === 0;
  }

  /** Reads every unread record. */
  readRecords(): TestRecord<K, V>[] {
    const keySerde = this.serdes.key ?? Serdes.json<K>();
    const valueSerde = this.serdes.value ?? Serdes.json<V>();
    const records = this.written().slice(this.#position);
    this.#position += records.length;
    return records.map((record) => ({
      key: keySerde.deserialize(record.key, this.topic),
      value: valueSerde.deserialize(record.value, this.topic),
      timestamp: record.timestamp,
      headers: record.headers,
      partition: record.partition,
      offset: record.offset,
    }));
  }

  /** Reads every unread record as `[key, value]`. */
  readKeyValues(): [K, V][] {
    return this.readRecords().map((record) => [record.key, record.value]);
  }

  readValues(): V[] {
    return this.readRecords().map((record) => record.value);
  }

  /** Reads every unread record into a map of the latest value per key (a table's final state). */
  readKeyValuesToMap(): Map<K, V> {
    return new Map(this.readKeyValues());
  }
}
