import type { StreamRecord } from '../record.js';
import type { Serde } from '../serdes.js';

/** What every windowed aggregation takes besides its windows and functions. */
export interface WindowedOptions<K, VA> {
  /**
   * Store name, queryable with `app.windowStore(name)` (or `sessionStore`), backed by `<app>-<name>-changelog`;
   * late records go to `<app>-<name>-late`. Generated when omitted.
   */
  store?: string;
  /**
   * `changes` (default): emit the window's new aggregate after every record. `final`: emit each window once, when
   * it closes (stream time passed its end plus the grace period), as Kafka's `suppress(untilWindowCloses)`.
   */
  emit?: 'changes' | 'final';
  /** Event time of a record; default its timestamp. */
  timestamp?: (record: StreamRecord<K, unknown>) => number;
  /** How long (ms of stream time) windows stay queryable after they end. Default one day, at least size + grace. */
  retention?: number;
  keySerde?: Serde<K>;
  valueSerde?: Serde<VA>;
}

/** The functions of an aggregation, in the order Kafka's `aggregate` takes them. */
export interface Aggregation<K, V, VA> {
  initializer: () => VA;
  aggregator: (key: K, value: V, aggregate: VA) => VA;
}

export const DAY_MS = 24 * 60 * 60 * 1000;
