import type { Observable } from 'rxjs';
import type { Header } from '../log/types.js';

export type { Header };

/**
 * One record flowing through a topology: the decoded key and value, and where it came from. Records are never
 * mutated; operators that change a field make a new record (see {@link withValue}, {@link withKey}), so the same
 * record can be shared by several branches.
 *
 * `topic`, `partition` and `offset` name the input record this one derives from. `partition` also names the task
 * that processes it: stateful operators keep one store per partition, as Kafka Streams keeps one per task.
 */
export interface StreamRecord<K, V> {
  readonly key: K;
  readonly value: V;
  /** Event time in ms since the epoch: the record's CreateTime unless an operator derived a new one. */
  readonly timestamp: number;
  readonly headers: readonly Header[];
  readonly topic: string;
  readonly partition: number;
  readonly offset: number;
}

/** Where a record came from: what a record derived from it (an aggregate, a join result) carries on. */
export type RecordContext = Pick<
  StreamRecord<unknown, unknown>,
  'headers' | 'topic' | 'partition' | 'offset'
>;

/** A stream of independent facts: every record counts (an RxJS Observable, so RxJS operators work on it). */
export type KStream<K, V> = Observable<StreamRecord<K, V>>;

/**
 * A table as its changelog: each record is the latest value of its key, and a `null` value (a tombstone) deletes
 * the key. Operators that need the table's current state (joins) materialize it into a key-value store.
 */
export type KTable<K, V> = Observable<StreamRecord<K, V | null>>;

/** A time interval; `end` is exclusive for tumbling and hopping windows, inclusive for sliding and session windows. */
export interface Window {
  readonly start: number;
  readonly end: number;
}

/** The key of a windowed aggregate: the record key and the window it was aggregated in. */
export interface Windowed<K> {
  readonly key: K;
  readonly window: Window;
}

// Records are built with every field in the same order so that V8 keeps one hidden class for them.

/** The same record with another value. */
export function withValue<K, V, VR>(record: StreamRecord<K, V>, value: VR): StreamRecord<K, VR> {
  return {
    key: record.key,
    value,
    timestamp: record.timestamp,
    headers: record.headers,
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
  };
}

/** The same record with another key. */
export function withKey<K, V, KR>(record: StreamRecord<K, V>, key: KR): StreamRecord<KR, V> {
  return {
    key,
    value: record.value,
    timestamp: record.timestamp,
    headers: record.headers,
    topic: record.topic,
    partition: record.partition,
    offset: record.offset,
  };
}

/** A record derived from `origin` with a new key, value and timestamp (the result of an aggregation or join). */
export function derive<K, V>(origin: RecordContext, key: K, value: V, timestamp: number): StreamRecord<K, V> {
  return {
    key,
    value,
    timestamp,
    headers: origin.headers,
    topic: origin.topic,
    partition: origin.partition,
    offset: origin.offset,
  };
}
