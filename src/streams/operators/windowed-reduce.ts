import type { OperatorFunction } from 'rxjs';
import type { StreamRecord, Windowed } from '../record.js';
import type { WindowedOptions } from '../windows/windowed-options.js';
import type { SessionWindows, SlidingWindows, TimeWindows } from '../windows/windows.js';
import { windowedAggregate } from './windowed-aggregate.js';

/**
 * Combines the values of each key per window with `reducer`, the first value of a window being its initial
 * result (Kafka's `windowedBy(...).reduce()`); when session windows merge, their results are combined with the
 * same reducer. See {@link windowedAggregate} for windows, emission and late records.
 *
 * @example
 * ```ts
 * readings$.pipe(groupByKey(), windowedReduce(tumblingWindows(60_000), (a, b) => Math.max(a, b)))
 * ```
 */
export function windowedReduce<K, V>(
  windows: TimeWindows | SlidingWindows,
  reducer: (aggregate: V, value: V, key: K) => V,
  options?: WindowedOptions<K, V>,
): OperatorFunction<StreamRecord<K, V>, StreamRecord<Windowed<K>, V>>;
export function windowedReduce<K, V>(
  windows: SessionWindows,
  reducer: (aggregate: V, value: V, key: K) => V,
  options?: WindowedOptions<K, V>,
): OperatorFunction<StreamRecord<K, V>, StreamRecord<Windowed<K>, V | null>>;
export function windowedReduce<K, V>(
  windows: TimeWindows | SlidingWindows | SessionWindows,
  reducer: (aggregate: V, value: V, key: K) => V,
  options: WindowedOptions<K, V> = {},
): OperatorFunction<StreamRecord<K, V>, StreamRecord<Windowed<K>, V | null>> {
  // A marker no user value can equal stands for "no value yet"; it never reaches the store.
  const unset = Symbol('unset') as V;
  const combine = (key: K, current: V, value: V): V =>
    current === unset ? value : value === unset ? current : reducer(current, value, key);
  const add = (key: K, value: V, current: V) => combine(key, current, value);
  return windows.kind === 'session'
    ? windowedAggregate(windows, () => unset, add, { ...options, merger: combine })
    : windowedAggregate(windows, () => unset, add, options);
}
