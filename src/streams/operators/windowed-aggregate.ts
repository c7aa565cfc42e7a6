import type { OperatorFunction } from 'rxjs';
import { ConfigError } from '../../errors.js';
import type { StreamRecord, Windowed } from '../record.js';
import { sessionWindowAggregate } from '../windows/session-window-aggregate.js';
import { slidingWindowAggregate } from '../windows/sliding-window-aggregate.js';
import { timeWindowAggregate } from '../windows/time-window-aggregate.js';
import type { WindowedOptions } from '../windows/windowed-options.js';
import type { SessionWindows, SlidingWindows, TimeWindows, Windows } from '../windows/windows.js';

/** Options of a session-windowed aggregation: `merger` combines the aggregates of sessions a record bridges. */
export interface SessionAggregateOptions<K, VA> extends WindowedOptions<K, VA> {
  merger: (key: K, left: VA, right: VA) => VA;
}

/**
 * Folds the records of each key and window into an aggregate kept in a window store (Kafka's
 * `windowedBy(...).aggregate(...)`), keyed by {@link Windowed} key. Windows are on event time (the record
 * timestamp, or `options.timestamp`), close when stream time (the largest timestamp seen by the task) passes
 * their end plus the grace period, and emit on every update (`emit: 'changes'`) or once when they close
 * (`emit: 'final'`). Records that arrive for closed windows go to `<app>-<store>-late` rather than vanishing.
 *
 * Session windows need a `merger`; in `changes` mode they retract merged-away sessions with a null value.
 *
 * @example
 * ```ts
 * payments$.pipe(
 *   groupByKey(),
 *   windowedAggregate(tumblingWindows(60_000, { grace: 5_000 }), () => 0, (_, p, sum) => sum + p.amount, {
 *     store: 'revenue-per-minute',
 *     emit: 'final',
 *   }),
 * )
 * ```
 */
export function windowedAggregate<K, V, VA>(
  windows: TimeWindows | SlidingWindows,
  initializer: () => VA,
  aggregator: (key: K, value: V, aggregate: VA) => VA,
  options?: WindowedOptions<K, VA>,
): OperatorFunction<StreamRecord<K, V>, StreamRecord<Windowed<K>, VA>>;
export function windowedAggregate<K, V, VA>(
  windows: SessionWindows,
  initializer: () => VA,
  aggregator: (key: K, value: V, aggregate: VA) => VA,
  options: SessionAggregateOptions<K, VA>,
): OperatorFunction<StreamRecord<K, V>, StreamRecord<Windowed<K>, VA | null>>;
export function windowedAggregate<K, V, VA>(
  windows: Windows,
  initializer: () => VA,
  aggregator: (key: K, value: V, aggregate: VA) => VA,
  options: WindowedOptions<K, VA> & { merger?: (key: K, left: VA, right: VA) => VA } = {},
): OperatorFunction<StreamRecord<K, V>, StreamRecord<Windowed<K>, VA | null>> {
  const aggregation = { initializer, aggregator };
  switch (windows.kind) {
    case 'time':
      return timeWindowAggregate(windows, aggregation, options);
    case 'sliding':
      return slidingWindowAggregate(windows, aggregation, options);
    case 'session':
      if (options.merger === undefined) {
        throw new ConfigError(
          'a session-windowed aggregation needs a `merger` to combine sessions a record bridges',
          {
            key: 'merger',
          },
        );
      }
      return sessionWindowAggregate(windows, aggregation, options.merger, options);
  }
}
