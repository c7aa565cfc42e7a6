import { z } from 'zod';

const UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

/** Parses `250ms`, `10s`, `5m`, `1h`, `7d` or a plain number of milliseconds. */
export function parseDuration(text: string | number): number | undefined {
  if (typeof text === 'number') return Number.isFinite(text) && text >= 0 ? text : undefined;
  const m = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d)?\s*$/.exec(text);
  if (!m) return undefined;
  return Math.round(Number(m[1]) * UNITS[m[2] ?? 'ms']);
}

/** A zod schema for a duration, accepting the forms of {@link parseDuration} and giving milliseconds. */
export const duration = z
  .union([z.number(), z.string()])
  .transform((value, ctx) => {
    const ms = parseDuration(value);
    if (ms === undefined) {
      ctx.addIssue({
        code: 'custom',
        message: `"${value}" is not a duration; write e.g. 500ms, 10s, 5m, 1h or 7d`,
      });
      return z.NEVER;
    }
    return ms;
  })
  .meta({ description: 'A duration: 500ms, 10s, 5m, 1h, 7d, or a number of milliseconds' });
