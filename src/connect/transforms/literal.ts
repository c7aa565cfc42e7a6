import { type Schema, Schemas } from '../data/schema.js';

/**
 * The typed value of a config literal, inferred as Kafka's `Values.parseString` does for the common cases:
 * `true`/`false` are booleans, integers take the smallest int type that holds them, decimals are float64, and
 * anything else is a string.
 */
export function parseLiteral(text: string): { schema: Schema; value: unknown } {
  const s = text.trim();
  if (s === 'true' || s === 'false') return { schema: Schemas.BOOLEAN, value: s === 'true' };
  if (/^[-+]?\d+$/.test(s)) {
    const n = Number(s);
    if (n >= -128 && n <= 127) return { schema: Schemas.INT8, value: n };
    if (n >= -32768 && n <= 32767) return { schema: Schemas.INT16, value: n };
    if (n >= -2147483648 && n <= 2147483647) return { schema: Schemas.INT32, value: n };
    if (Number.isSafeInteger(n)) return { schema: Schemas.INT64, value: n };
  }
  if (/^[-+]?(\d+\.\d*|\.\d+)([eE][-+]?\d+)?$/.test(s)) return { schema: Schemas.FLOAT64, value: Number(s) };
  return { schema: Schemas.STRING, value: text };
}
