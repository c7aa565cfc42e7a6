import type { OperatorFunction } from 'rxjs';
import type { StreamRecord, Windowed } from '../record.js';
import { Serdes } from '../serdes.js';
import type { WindowedOptions } from '../windows/windowed-options.js';
import type { SessionWindows, SlidingWindows, TimeWindows } from '../windows/windows.js';
import { windowedAggregate } from './windowed-aggregate.js';

/**
 * Counts the records of each key per window (Kafka's `windowedBy(...).count()`); see {@link windowedAggregate}
 * for windows, emission and late records. Counts are written to the changelog as 64-bit integers.
 *
 * @example
 * ```ts
 * clicks$.pipe(groupByKey(), windowedCount(hoppingWindows(60_000, 10_000), { store: 'clicks-1m', emit: 'final' }))
 * ```
 */
export function windowedCount<K, V>(
  windows: TimeWindows | SlidingWindows,
  options?: Omit<WindowedOptions<K, number>, 'valueSerde'>,
): OperatorFunction<StreamRecord<K, V>, StreamRecord<Windowed<K>, number>>;
export function windowedCount<K, V>(
  windows: SessionWindows,
  options?: Omit<WindowedOptions<K, number>, 'valueSerde'>,
): OperatorFunction<StreamRecord<K, V>, StreamRecord<Windowed<K>, number | null>>;
export function windowedCount<K, V>(
  windows: TimeWindows | SlidingWindows | SessionWindows,
  options: Omit<WindowedOptions<K, number>, 'valueSerde'> = {},
): OperatorFunction<StreamRecord<K, V>, StreamRecord<Windowed<K>, number | null>> {
  const counting = { ...options, valueSerde: Serdes.long };
  const add = (_key: K, _value: V, n: number) => n + 1;
  return windows.kind === 'session'
    ? windowedAggregate(windows, () => 0, add, { ...counting, merger: (_key, a, b) => a + b })
    : windowedAggregate(windows, () => 0, add, counting);
}
