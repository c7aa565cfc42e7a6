import { InvalidArgumentError } from 'commander';
import type { Acks } from '../log/index.js';

/** A commander parser for an integer of at least `min`; anything else fails with a one-line reason. */
export function integerArg(what: string, min = 0): (value: string) => number {
  return (value) => {
    const n = Number(value);
    if (value.trim() === '' || !Number.isSafeInteger(n) || n < min) {
      throw new InvalidArgumentError(`${what} must be an integer of at least ${min}`);
    }
    return n;
  };
}

/** Collects a repeatable `--config key=value` into `[key, value]` pairs. */
export function configPair(value: string, previous: [string, string][] = []): [string, string][] {
  const eq = value.indexOf('=');
  if (eq <= 0) throw new InvalidArgumentError(`expected key=value, e.g. retention.ms=86400000`);
  return [...previous, [value.slice(0, eq).trim(), value.slice(eq + 1).trim()]];
}

/** Collects a repeatable option's values into a list. */
export function repeatable(value: string, previous: string[] = []): string[] {
  return [...previous, value];
}

/**
 * Turns `--config` pairs into a topic config: numbers where the value is a number (the log validates the keys and
 * the types, and suggests the nearest key for a typo), strings otherwise.
 */
export function topicConfig(pairs: [string, string][]): Record<string, string | number> {
  const config: Record<string, string | number> = {};
  for (const [key, value] of pairs) config[key] = /^-?\d+(\.\d+)?$/.test(value) ? Number(value) : value;
  return config;
}

/** `--acks 0|1|all|-1`. */
export function acksArg(value: string): Acks {
  if (value === 'all' || value === '-1') return 'all';
  if (value === '0') return 0;
  if (value === '1') return 1;
  throw new InvalidArgumentError('acks must be 0, 1, all or -1');
}

/** A time as milliseconds since the epoch, or an ISO 8601 date-time such as 2024-05-01T12:00:00Z. */
export function timeArg(value: string): number {
  if (/^\d+$/.test(value)) return Number(value);
  const ms = Date.parse(value);
  if (Number.isNaN(ms)) {
    throw new InvalidArgumentError(
      'expected milliseconds since the epoch or an ISO date-time (2024-05-01T12:00:00Z)',
    );
  }
  return ms;
}
