import type { Observable, Subscription } from 'rxjs';
import { decoded } from '../codec.js';
import type { SinkRecord } from '../context.js';
import { toTable } from '../operators/to-table.js';
import type { KStream, KTable } from '../record.js';
import type { KeyValueSerdes } from '../serdes.js';
import type { ReadOnlyKeyValueStore } from '../state/key-value-store.js';
import { keyValueStoreView, windowStoreView } from '../state/store-views.js';
import type { ReadOnlyWindowStore } from '../state/window-store.js';
import { Topology } from '../topology.js';
import { TestInputTopic } from './test-input-topic.js';
import { TestOutputTopic } from './test-output-topic.js';

export interface TestDriverOptions {
  /** Default `test-app`; names changelog, repartition and late-record topics. */
  applicationId?: string;
  /** Partitions of every topic (input, output, internal). Default 1. */
  partitions?: number;
  /** Initial wall-clock time, the default timestamp of piped records. Default 0. */
  startTime?: number;
  /**
   * Commit after every piped record (default true, as Kafka's driver), so operators with `emit: 'on-commit'`
   * emit at once; false leaves commits to {@link TopologyTestDriver.commit}.
   */
  autoCommit?: boolean;
}

/**
 * Runs pipelines without a log, a consumer or timers, in the manner of Kafka's `TopologyTestDriver`: records piped
 * into an input topic go through every pipeline synchronously, so when `pipeInput` returns, output topics and
 * stores hold everything it caused. Records written to a topic the pipelines also read (repartition topics,
 * `to` then `stream`) are read back at once. Windowed logic depends only on record timestamps, so tests are
 * deterministic.
 *
 * @example
 * ```ts
 * const driver = new TopologyTestDriver();
 * driver.start(driver.stream('lines', { value: Serdes.string }).pipe(flatMapValues(...), ..., to('counts')));
 * driver.input('lines', { value: Serdes.string }).pipeInput(null, 'a b a');
 * driver.output('counts', { key: Serdes.string, value: Serdes.long }).readKeyValues();
 * ```
 */
export class TopologyTestDriver {
  readonly topology: Topology;
  readonly partitions: number;
  readonly #written = new Map<string, (SinkRecord & { partition: number; offset: number })[]>();
  readonly #nextOffset = new Map<string, number>();
  readonly #subscriptions: Subscription[] = [];
  readonly #autoCommit: boolean;
  #now: number;
  #error: unknown;

  constructor(options: TestDriverOptions = {}) {
    this.partitions = options.partitions ?? 1;
    this.#now = options.startTime ?? 0;
    this.#autoCommit = options.autoCommit ?? true;
    this.topology = new Topology(options.applicationId ?? 'test-app', (topic, record) =>
      this.write(topic, record),
    );
  }

  get applicationId(): string {
    return this.topology.applicationId;
  }

  /** A topic read as a stream, decoded with `serdes` (JSON where none is given). */
  stream<K, V>(topic: string, serdes: KeyValueSerdes<K, V> = {}): KStream<K, V> {
    return this.topology.source(topic).pipe(decoded(serdes));
  }

  /** A topic read as a table, materialized in a key-value store (named `store`, or generated). */
  table<K, V>(topic: string, serdes: KeyValueSerdes<K, V> & { store?: string } = {}): KTable<K, V> {
    return this.stream<K, V | null>(topic, serdes as KeyValueSerdes<K, V | null>).pipe(
      toTable<K, V>({ store: serdes.store, keySerde: serdes.key, valueSerde: serdes.value }),
    );
  }

  /** Subscribes the pipelines; an error in one is rethrown by the `pipeInput` that caused it. */
  start(...pipelines: Observable<unknown>[]): void {
    this.#subscriptions.push(
      ...this.topology.start(pipelines, (error) => {
        this.#error = error;
      }),
    );
  }

  input<K, V>(topic: string, serdes: KeyValueSerdes<K, V> = {}): TestInputTopic<K, V> {
    return new TestInputTopic(topic, serdes, this);
  }

  output<K, V>(topic: string, serdes: KeyValueSerdes<K, V> = {}): TestOutputTopic<K, V> {
    return new TestOutputTopic(topic, serdes, () => this.#written.get(topic) ?? []);
  }

  /** Every topic written to so far, sorted. */
  outputTopics(): string[] {
    return [...this.#written.keys()].sort();
  }

  /** A key-value store of the running pipelines, across partitions. */
  store<K, V>(name: string): ReadOnlyKeyValueStore<K, V> {
    return keyValueStoreView(this.lookup, this.storeNames, name);
  }

  windowStore<K, V>(name: string): ReadOnlyWindowStore<K, V> {
    return windowStoreView(this.lookup, this.storeNames, name, false);
  }

  sessionStore<K, V>(name: string): ReadOnlyWindowStore<K, V> {
    return windowStoreView(this.lookup, this.storeNames, name, true);
  }

  /** Wall-clock time: the default timestamp of piped records. Stream time only moves with record timestamps. */
  get now(): number {
    return this.#now;
  }

  advanceWallClockTime(ms: number): void {
    this.#now += ms;
  }

  /**
   * Hands one encoded record to the pipelines reading `topic`; rethrows what a pipeline failed with. `offset` gives
   * the record its offset in its partition (for a record replayed from a log, so that `$offset` and dead-letter
   * headers name where it came from); by default it is the next offset of the partition.
   */
  pipe(topic: string, record: SinkRecord, offset?: number): void {
    this.write(topic, record, offset);
    if (this.#autoCommit) this.topology.commit();
    this.#rethrow();
  }

  /** Commits: operators holding back updates (`emit: 'on-commit'`) emit them. */
  commit(): void {
    this.topology.commit();
    this.#rethrow();
  }

  #rethrow(): void {
    if (this.#error !== undefined) {
      const error = this.#error;
      this.#error = undefined;
      throw error;
    }
  }

  /** Completes every source and unsubscribes. */
  close(): void {
    this.topology.complete();
    for (const subscription of this.#subscriptions) subscription.unsubscribe();
  }

  partitionFor(key: Buffer | null): number {
    if (key === null || this.partitions === 1) return 0;
    // FNV-1a: stable and cheap; the driver has no need to match a client's partitioner.
    let hash = 0x811c9dc5;
    for (const byte of key) hash = Math.imul(hash ^ byte, 0x01000193) >>> 0;
    return hash % this.partitions;
  }

  private readonly lookup = (name: string) => this.topology.storeGroup(name);
  private readonly storeNames = () => this.topology.storeGroups().map((group) => group.name);

  private write(topic: string, record: SinkRecord, at?: number): void {
    const partition = record.partition ?? this.partitionFor(record.key);
    const id = `${topic}:${partition}`;
    const offset = at ?? this.#nextOffset.get(id) ?? 0;
    this.#nextOffset.set(id, offset + 1);
    let written = this.#written.get(topic);
    if (written === undefined) {
      written = [];
      this.#written.set(topic, written);
    }
    written.push({ ...record, partition, offset });
    if (this.topology.hasSource(topic)) {
      this.topology.dispatch({
        topic,
        partition,
        offset,
        timestamp: record.timestamp,
        key: record.key,
        value: record.value,
        headers: [...record.headers],
      });
    }
  }
}
