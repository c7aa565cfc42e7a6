import {
  isInteger,
  isSafeNumber,
  parse as parseLossless,
  stringify as stringifyLossless,
} from 'lossless-json';

/**
 * The digit runs that can hold an integer beyond 2^53 (9007199254740992): 17 digits or more, or 16 starting with 9.
 * Sixteen-digit epoch microseconds, which start with 1, do not need the slower parser.
 */
const LONG_DIGITS = /\d{17}|9\d{15}/;

/**
 * JSON.parse, except that integers a number cannot hold exactly (a PostgreSQL bigint id beyond 2^53, a snowflake
 * id) become bigints rather than silently rounded numbers. Only text with such a digit run takes the slower exact
 * parser (lossless-json).
 */
export function parseJson(text: string): unknown {
  if (!LONG_DIGITS.test(text)) return JSON.parse(text);
  return parseLossless(text, null, (digits) =>
    isInteger(digits) && !isSafeNumber(digits) ? BigInt(digits) : Number(digits),
  );
}

/** JSON.stringify, except that bigints are written as their exact digits instead of failing. */
export function stringifyJson(value: unknown): string {
  try {
    return JSON.stringify(value);
  } catch (err) {
    if (!(err instanceof TypeError) || !String(err.message).includes('BigInt')) throw err;
    return stringifyLossless(value) ?? 'null';
  }
}
