import { ConfigError } from '../../errors.js';
import type { Window } from '../record.js';

/**
 * Fixed-size windows on event time: tumbling when `advance == size` (each record in exactly one window), hopping
 * when `advance < size` (windows overlap, a record is in `size / advance` of them). Windows are `[start, end)`,
 * aligned to the epoch: starts are multiples of `advance`.
 */
export interface TimeWindows {
  readonly kind: 'time';
  readonly size: number;
  readonly advance: number;
  /** How long after a window ends (in stream time) records for it are still accepted. */
  readonly grace: number;
}

/**
 * Windows of at most `timeDifference` ms defined by the records themselves (Kafka's `SlidingWindows`): each
 * record opens a window `[t - d, t]` that ends on it, and one `[t + 1, t + 1 + d]` that starts just after it when
 * later records fall in it. Both ends are inclusive.
 */
export interface SlidingWindows {
  readonly kind: 'sliding';
  readonly timeDifference: number;
  readonly grace: number;
}

/**
 * Periods of activity per key: a record within `gap` ms of a session joins it, a record that bridges two sessions
 * merges them. Sessions are `[first record, last record]`, both inclusive.
 */
export interface SessionWindows {
  readonly kind: 'session';
  readonly gap: number;
  readonly grace: number;
}

export type Windows = TimeWindows | SlidingWindows | SessionWindows;

function check(name: string, value: number, min: number): number {
  if (!Number.isSafeInteger(value) || value < min) {
    throw new ConfigError(`${name} must be an integer number of milliseconds >= ${min}, not ${value}`, {
      key: name,
    });
  }
  return value;
}

/**
 * Tumbling windows of `size` ms: `[0, size)`, `[size, 2·size)`, … A record belongs to exactly one.
 *
 * @example
 * ```ts
 * clicks$.pipe(groupByKey(), windowedCount(tumblingWindows(60_000, { grace: 10_000 }), { emit: 'final' }))
 * ```
 */
export function tumblingWindows(size: number, options: { grace?: number } = {}): TimeWindows {
  check('size', size, 1);
  return { kind: 'time', size, advance: size, grace: check('grace', options.grace ?? 0, 0) };
}

/**
 * Hopping windows of `size` ms starting every `advance` ms (`0 < advance <= size`).
 *
 * @example
 * ```ts
 * hoppingWindows(5 * 60_000, 60_000) // five-minute windows, one starting every minute
 * ```
 */
export function hoppingWindows(size: number, advance: number, options: { grace?: number } = {}): TimeWindows {
  check('size', size, 1);
  check('advance', advance, 1);
  if (advance > size) {
    throw new ConfigError(`advance (${advance} ms) must not exceed the window size (${size} ms)`, {
      key: 'advance',
    });
  }
  return { kind: 'time', size, advance, grace: check('grace', options.grace ?? 0, 0) };
}

/** Sliding windows of at most `timeDifference` ms (see {@link SlidingWindows}). */
export function slidingWindows(timeDifference: number, options: { grace?: number } = {}): SlidingWindows {
  return {
    kind: 'sliding',
    timeDifference: check('timeDifference', timeDifference, 1),
    grace: check('grace', options.grace ?? 0, 0),
  };
}

/** Session windows closed by `gap` ms of inactivity (see {@link SessionWindows}). */
export function sessionWindows(gap: number, options: { grace?: number } = {}): SessionWindows {
  return { kind: 'session', gap: check('gap', gap, 1), grace: check('grace', options.grace ?? 0, 0) };
}

/** The fixed windows a record at `timestamp` belongs to, earliest first. */
export function windowsFor(windows: TimeWindows, timestamp: number): Window[] {
  const { size, advance } = windows;
  const out: Window[] = [];
  // The first window still containing the timestamp starts after timestamp - size.
  let start = Math.max(0, Math.floor((timestamp - size + advance) / advance) * advance);
  for (; start <= timestamp; start += advance) out.push({ start, end: start + size });
  return out;
}
