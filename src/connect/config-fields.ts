import { z } from 'zod';

/**
 * Field builders for connector, converter and transform configs. Kafka Connect configs are flat string maps
 * (`batch.size=2000`), while YAML gives typed values; these accept both, so `"2000"` and `2000` mean the same.
 * Each field carries its default and its description, the single source for validation, `--help` and docs.
 */

const INTEGER = /^[-+]?\d+$/;

function toNumber(v: unknown): unknown {
  return typeof v === 'string' && INTEGER.test(v.trim()) ? Number(v.trim()) : v;
}

function toBoolean(v: unknown): unknown {
  if (typeof v !== 'string') return v;
  const s = v.trim().toLowerCase();
  return s === 'true' ? true : s === 'false' ? false : v;
}

/** A comma-separated list (`a, b`) or an array; blanks are dropped. */
function toList(v: unknown): unknown {
  if (typeof v === 'string') {
    return v
      .split(',')
      .map((s) => s.trim())
      .filter((s) => s.length > 0);
  }
  return v;
}

export const field = {
  string(description: string) {
    return z.string().describe(description);
  },
  stringDefault(value: string, description: string) {
    return z.string().default(value).describe(description);
  },
  optionalString(description: string) {
    return z.string().optional().describe(description);
  },
  int(value: number, description: string, min = Number.MIN_SAFE_INTEGER) {
    return z.preprocess(toNumber, z.number().int().min(min)).default(value).describe(description);
  },
  requiredInt(description: string, min = Number.MIN_SAFE_INTEGER) {
    return z.preprocess(toNumber, z.number().int().min(min)).describe(description);
  },
  bool(value: boolean, description: string) {
    return z.preprocess(toBoolean, z.boolean()).default(value).describe(description);
  },
  list(value: string[], description: string) {
    return z.preprocess(toList, z.array(z.string())).default(value).describe(description);
  },
  requiredList(description: string) {
    return z
      .preprocess(toList, z.array(z.string()).min(1, 'must list at least one name'))
      .describe(description);
  },
  enumOf<const T extends readonly [string, ...string[]]>(values: T, value: T[number], description: string) {
    return z
      .enum(values)
      .default(value as never)
      .describe(description);
  },
};
