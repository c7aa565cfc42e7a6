import type { Observable, Subscription } from 'rxjs';
import { type ProcessingContext, runInContext, type SinkRecord, type SourceRecord } from './context.js';
import type { StreamRecord } from './record.js';
import { type RecordSource, type RecordStream, recordStream } from './record-stream.js';
import { Serdes } from './serdes.js';
import { type StateStore, StoreGroup } from './state/state-store.js';

/** Where a topology's writes go; by default, back into its own sources (in memory) or nowhere. */
export type Sink = (topic: string, record: SinkRecord) => void;

/** The records of one source topic, pushed to every pipeline reading it. */
class TopicSource implements RecordSource<SourceRecord> {
  // Replaced, never mutated: a dispatch in progress keeps going over the listeners it started with.
  listeners: { next(record: SourceRecord): void; complete(): void }[] = [];

  listen(listener: { next(record: SourceRecord): void; complete(): void }): () => void {
    this.listeners = [...this.listeners, listener];
    return () => {
      this.listeners = this.listeners.filter((l) => l !== listener);
    };
  }
}

/**
 * The running form of a set of pipelines: one source per topic that the driver (runtime or test driver)
 * feeds, the stores the pipelines' operators made, and the sink their writes go to. Feeding is synchronous: when
 * {@link Topology.dispatch} returns, every record it caused has reached the sink and every store is updated.
 */
export class Topology implements ProcessingContext {
  readonly #sources = new Map<string, { source: TopicSource; stream: RecordStream<SourceRecord> }>();
  readonly #stores = new Map<string, StoreGroup<StateStore>>();
  readonly #offsets = new Map<string, number>();
  readonly #commitListeners = new Set<() => void>();
  readonly #sinks = new Set<string>();
  #names = 0;

  constructor(
    readonly applicationId: string,
    private readonly sink: Sink = (topic, record) => this.loopBack(topic, record),
  ) {}

  source(topic: string): RecordStream<SourceRecord> {
    let entry = this.#sources.get(topic);
    if (entry === undefined) {
      const source = new TopicSource();
      entry = { source, stream: recordStream(source) };
      this.#sources.set(topic, entry);
    }
    return entry.stream;
  }

  /** Topics some pipeline reads, in the order they were declared. */
  sourceTopics(): string[] {
    return [...this.#sources.keys()];
  }

  hasSource(topic: string): boolean {
    return this.#sources.has(topic);
  }

  /** Pushes one read record through every pipeline reading its topic. */
  dispatch(record: SourceRecord): void {
    const entry = this.#sources.get(record.topic);
    if (entry === undefined) return;
    for (const listener of entry.source.listeners) listener.next(record);
  }

  /** Pushes read records of one topic, in order, through every pipeline reading it. */
  dispatchAll(topic: string, records: readonly SourceRecord[]): void {
    const entry = this.#sources.get(topic);
    if (entry === undefined) return;
    const listeners = entry.source.listeners;
    if (listeners.length === 1) {
      const listener = listeners[0];
      for (let i = 0; i < records.length; i++) listener.next(records[i]);
    } else {
      for (let i = 0; i < records.length; i++) for (const listener of listeners) listener.next(records[i]);
    }
  }

  declareSink(topic: string): void {
    this.#sinks.add(topic);
  }

  /** Topics some pipeline writes to with `to`, in the order they were declared. */
  sinkTopics(): string[] {
    return [...this.#sinks];
  }

  send(topic: string, record: SinkRecord): void {
    this.sink(topic, record);
  }

  stores<S extends StateStore>(name: string, create: (name: string, partition: number) => S): StoreGroup<S> {
    let group = this.#stores.get(name);
    if (group === undefined) {
      group = new StoreGroup<StateStore>(name, create);
      this.#stores.set(name, group);
    }
    return group as StoreGroup<S>;
  }

  /** Every store group the subscribed pipelines made. */
  storeGroups(): StoreGroup<StateStore>[] {
    return [...this.#stores.values()];
  }

  storeGroup(name: string): StoreGroup<StateStore> | undefined {
    return this.#stores.get(name);
  }

  uniqueName(prefix: string): string {
    this.#names++;
    return `${prefix}-${String(this.#names).padStart(10, '0')}`;
  }

  late(store: string, record: StreamRecord<unknown, unknown>): void {
    const json = Serdes.json<unknown>();
    const topic = lateTopic(this.applicationId, store);
    this.send(topic, {
      key: json.serialize(record.key, topic),
      value: json.serialize(record.value, topic),
      headers: record.headers,
      timestamp: record.timestamp,
    });
  }

  onCommit(listener: () => void): () => void {
    this.#commitListeners.add(listener);
    return () => this.#commitListeners.delete(listener);
  }

  /** Runs the commit listeners: held-back updates are emitted (and reach the sink) before this returns. */
  commit(): void {
    for (const listener of this.#commitListeners) listener();
  }

  /** Subscribes `pipelines` in this context; errors go to `onError` (default: thrown asynchronously by RxJS). */
  start(pipelines: Observable<unknown>[], onError?: (error: unknown) => void): Subscription[] {
    return pipelines.map((pipeline) =>
      // Operators look the context up while they are subscribed, hence the subscription inside the context.
      runInContext(this, () => pipeline.subscribe({ error: onError })),
    );
  }

  /** Commits, then completes every source: pipelines finish what they hold and complete. */
  complete(): void {
    this.commit();
    for (const { source } of this.#sources.values())
      for (const listener of source.listeners) listener.complete();
  }

  /** The in-memory sink: a record written to a topic that is also a source is read back at once. */
  private loopBack(topic: string, record: SinkRecord): void {
    if (!this.#sources.has(topic)) return;
    const offset = this.#offsets.get(topic) ?? 0;
    this.#offsets.set(topic, offset + 1);
    this.dispatch({
      ...record,
      headers: [...record.headers],
      topic,
      partition: record.partition ?? 0,
      offset,
    });
  }
}

/** The topic late records of a windowed store go to. */
export function lateTopic(applicationId: string, store: string): string {
  return `${applicationId}-${store}-late`;
}

/** The changelog topic of a store. */
export function changelogTopic(applicationId: string, store: string): string {
  return `${applicationId}-${store}-changelog`;
}
