import { ConfigError } from '../../errors.js';

/**
 * How far apart in event time two records of a stream-stream join may be: a left record at `t` joins right
 * records in `[t - before, t + after]`. Records more than `grace` behind stream time are late.
 */
export interface JoinWindows {
  readonly before: number;
  readonly after: number;
  readonly grace: number;
}

/**
 * Join windows of `timeDifference` ms on both sides (Kafka's `JoinWindows.ofTimeDifferenceAndGrace`); `before`
 * and `after` override one side.
 *
 * @example
 * ```ts
 * joinWindows(5 * 60_000, { grace: 30_000 }) // impressions and clicks at most five minutes apart
 * ```
 */
export function joinWindows(
  timeDifference: number,
  options: { before?: number; after?: number; grace?: number } = {},
): JoinWindows {
  const window = {
    before: options.before ?? timeDifference,
    after: options.after ?? timeDifference,
    grace: options.grace ?? 0,
  };
  for (const [key, value] of Object.entries(window)) {
    if (!Number.isSafeInteger(value) || value < 0) {
      throw new ConfigError(
        `join window ${key} must be an integer number of milliseconds >= 0, not ${value}`,
        { key },
      );
    }
  }
  return window;
}
