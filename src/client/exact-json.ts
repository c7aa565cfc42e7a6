import {
  isInteger,
  isSafeNumber,
  parse as parseLossless,
  stringify as stringifyLossless,
} from 'lossless-json';
import { parseFlatJson } from './flat-json.js';

/**
 * JSON.parse, except that integers a number cannot hold exactly (a PostgreSQL bigint id beyond 2^53, a snowflake
 * id) become bigints rather than silently rounded numbers. The text is parsed as usual first; only when that gives
 * an integer-valued number of 2^53 or more, which may have lost digits, is it parsed again with lossless-json.
 * A flat object, the common record, takes a faster path that gives the same value (see parseFlatJson).
 */
export function parseJson(text: string): unknown {
  const flat = parseFlatJson(text);
  if (flat !== undefined) return flat;
  const value = JSON.parse(text);
  if (!mayHaveLostDigits(value)) return value;
  return parseLossless(text, null, (digits) =>
    isInteger(digits) && !isSafeNumber(digits) ? BigInt(digits) : Number(digits),
  );
}

/** True when `value` holds a number that JSON text could only have given by rounding a longer integer. */
function mayHaveLostDigits(value: unknown): boolean {
  if (typeof value === 'number') return Math.abs(value) > Number.MAX_SAFE_INTEGER && Number.isFinite(value);
  if (value === null || typeof value !== 'object') return false;
  if (Array.isArray(value)) {
    for (let i = 0; i < value.length; i++) if (mayHaveLostDigits(value[i])) return true;
    return false;
  }
  for (const key in value) if (mayHaveLostDigits((value as Record<string, unknown>)[key])) return true;
  return false;
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
