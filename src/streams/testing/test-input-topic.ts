import type { Header } from '../../log/types.js';
import { type KeyValueSerdes, Serdes } from '../serdes.js';
import type { TopologyTestDriver } from './test-driver.js';

/** Per-record options of {@link TestInputTopic.pipeInput}. */
export interface PipeOptions {
  /** Event time; default the driver's wall-clock time. */
  timestamp?: number;
  headers?: Header[];
  /** Default: chosen from the key (partition 0 for a null key). */
  partition?: number;
}

/** Feeds records into one topic of a {@link TopologyTestDriver}, encoding them with the topic's serdes. */
export class TestInputTopic<K, V> {
  constructor(
    readonly topic: string,
    private readonly serdes: KeyValueSerdes<K, V>,
    private readonly driver: TopologyTestDriver,
  ) {}

  /** Pipes one record; when it returns, everything the record caused has happened. */
  pipeInput(key: K, value: V, options: PipeOptions = {}): void {
    const keySerde = this.serdes.key ?? Serdes.json<K>();
    const valueSerde = this.serdes.value ?? Serdes.json<V>();
    this.driver.pipe(this.topic, {
      key: keySerde.serialize(key, this.topic),
      value: valueSerde.serialize(value, this.topic),
      headers: options.headers ?? [],
      timestamp: options.timestamp ?? this.driver.now,
      partition: options.partition,
    });
  }

  /** Pipes records in order; a bare `[key, value]` pair takes the driver's time. */
  pipeInputs(records: ([K, V] | [K, V, PipeOptions])[]): void {
    for (const [key, value, options] of records) this.pipeInput(key, value, options);
  }

  /** Pipes a value with a null key. */
  pipeValue(value: V, options: PipeOptions = {}): void {
    this.pipeInput(null as K, value, options);
  }
}
