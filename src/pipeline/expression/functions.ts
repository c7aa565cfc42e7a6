/**
 * The JSONata built-in functions compiled expressions run natively, each with jsonata 1.8's signature and a port of
 * its implementation (`functions.js`, `datetime.js`). `undefined` in, `undefined` out, as there. A function not
 * listed here leaves its expression to jsonata's own evaluator.
 */
import { fail } from './jsonata-error.js';
import {
  append,
  codePoints,
  createSequence,
  isLambdaLike,
  lookup,
  oneUnitPerCodePoint,
  toBoolean,
  toStr,
} from './sequence.js';
import { Signature } from './signature.js';

/** Thrown by a compiled expression for an input it does not handle; the caller then asks jsonata instead. */
export const BAIL: unique symbol = Symbol('evaluate with jsonata');

export interface Builtin {
  signature: Signature;
  implementation: (args: unknown[]) => unknown;
  /** The implementation taking its arguments one by one, for calls whose arguments pass the signature as they are. */
  direct: (...args: unknown[]) => unknown;
}

type Impl = (...args: never[]) => unknown;

function define(signature: string, implementation: Impl): Builtin {
  const impl = implementation as (...a: unknown[]) => unknown;
  return {
    signature: new Signature(signature),
    direct: impl,
    implementation: (args) =>
      args.length === 1 ? impl(args[0]) : args.length === 2 ? impl(args[0], args[1]) : impl(...args),
  };
}

function sum(args: number[] | undefined): number | undefined {
  if (args === undefined) return undefined;
  let total = 0;
  for (const n of args) total += n;
  return total;
}

const POW10 = [1, 10, 1e2, 1e3, 1e4, 1e5, 1e6, 1e7, 1e8, 1e9, 1e10, 1e11, 1e12, 1e13, 1e14, 1e15];

/**
 * `$round(arg, p)` for 0 < p ≤ 15 without JSONata's string shifting, where the product tells the answer. JSONata
 * rounds the double nearest D·10^p, D the shortest decimal form of arg; `arg * 10^p` is within 2^-51 of it,
 * relatively, so where that product is further than that from a half-integer both round to the same integer R,
 * not a tie. Shifting R (below 2^51, so its string is all its digits) back by "e-p" is the correctly rounded
 * R / 10^p, which the division gives too. Else undefined.
 */
function roundShifted(arg: number, p: number): number | undefined {
  if (!Number.isInteger(p) || p <= 0 || p > 15) return undefined;
  const shifted = arg * POW10[p];
  const magnitude = Math.abs(shifted);
  if (!(magnitude < 2 ** 51)) return undefined; // NaN and Infinity too
  const fraction = shifted - Math.floor(shifted);
  if (Math.abs(fraction - 0.5) <= magnitude * 2 ** -49) return undefined;
  const result = Math.round(shifted) / POW10[p];
  return result === 0 ? 0 : result;
}

function round(arg: number | undefined, precision: number | undefined): number | undefined {
  if (arg === undefined) return undefined;
  if (precision) {
    const fast = roundShifted(arg, precision);
    if (fast !== undefined) return fast;
  }
  let value = arg;
  if (precision) {
    // shifted in a string: multiplying by a power of ten would bring its own rounding errors
    const parts = value.toString().split('e');
    value = +`${parts[0]}e${parts[1] ? +parts[1] + precision : precision}`;
  }
  let result = Math.round(value);
  if (Math.abs(result - value) === 0.5 && Math.abs(result % 2) === 1) result -= 1; // half to even
  if (precision) {
    const parts = result.toString().split('e');
    result = +`${parts[0]}e${parts[1] ? +parts[1] - precision : -precision}`;
  }
  return Object.is(result, -0) ? 0 : result;
}

function number(arg: unknown): number | undefined {
  if (arg === undefined) return undefined;
  if (typeof arg === 'number') return arg;
  if (typeof arg === 'string') {
    const n = parseNumber(arg);
    if (n !== undefined) return n;
  }
  if (arg === true) return 1;
  if (arg === false) return 0;
  throw fail('D3030', { value: arg, index: 1 });
}

/**
 * A string of JSONata's number form (`-?[0-9]+(\.[0-9]+)?([Ee][-+]?[0-9]+)?`, a finite value) as parseFloat reads
 * it, else undefined. Up to 15 digits and no exponent, the digits N are exact and N / 10^d is the correctly
 * rounded quotient, which is what parsing gives; other strings of the form are left to Number (for them
 * parseFloat and Number agree).
 */
function parseNumber(s: string): number | undefined {
  const length = s.length;
  let i = s.charCodeAt(0) === 45 ? 1 : 0; // -
  const start = i;
  let digits = 0;
  let decimals = -1; // digits after the point; -1 without one
  for (; i < length; i++) {
    const c = s.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      digits = digits * 10 + (c - 48);
      if (decimals >= 0) decimals++;
    } else if (c === 46 && decimals < 0 && i > start) {
      decimals = 0;
    } else break;
  }
  if (i === start || decimals === 0) return undefined; // no digits, or none after the point
  if (i < length) return exponentForm(s, i);
  if (i - start - (decimals < 0 ? 0 : 1) > 15) return Number(s); // N may not be exact
  const value = decimals > 0 ? digits / POW10[decimals] : digits;
  return start === 1 ? -value : value;
}

function exponentForm(s: string, at: number): number | undefined {
  let i = at;
  const e = s.charCodeAt(i);
  if (e !== 69 && e !== 101) return undefined; // E e
  i++;
  const sign = s.charCodeAt(i);
  if (sign === 43 || sign === 45) i++; // + -
  if (i === s.length) return undefined;
  for (; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c < 48 || c > 57) return undefined;
  }
  const n = Number(s);
  return Number.isFinite(n) ? n : undefined;
}

function substring(str: string | undefined, start: number, length: number | undefined): string | undefined {
  if (str === undefined) return undefined;
  // String.prototype.slice indexes as Array.prototype.slice does, in UTF-16 units
  const chars: { length: number; slice(a?: number, b?: number): string | string[] } = oneUnitPerCodePoint(str)
    ? str
    : codePoints(str);
  let from = start;
  if (chars.length + from < 0) from = 0;
  if (length !== undefined) {
    if (length <= 0) return '';
    const end = from >= 0 ? from + length : chars.length + from + length;
    return joined(chars.slice(from, end));
  }
  return joined(chars.slice(from));
}

function joined(s: string | string[]): string {
  return typeof s === 'string' ? s : s.join('');
}

function trim(str: string | undefined): string | undefined {
  if (str === undefined) return undefined;
  let result = str.replace(/[ \t\n\r]+/gm, ' ');
  if (result.charAt(0) === ' ') result = result.substring(1);
  if (result.charAt(result.length - 1) === ' ') result = result.substring(0, result.length - 1);
  return result;
}

function keys(arg: unknown): unknown[] {
  const result = createSequence();
  if (Array.isArray(arg)) {
    const merged: Record<string, boolean> = Object.create(null);
    for (const item of arg) for (const key of keys(item) as string[]) merged[key] = true;
    return keys(merged);
  }
  if (arg !== null && typeof arg === 'object' && !isLambdaLike(arg))
    for (const key of Object.keys(arg)) result.push(key);
  return result;
}

function merge(arg: unknown[] | undefined): Record<string, unknown> | undefined {
  if (arg === undefined) return undefined;
  // Spread, where jsonata assigns key by key into a prototype-less object: the same own keys in the same order
  // with the same values (a "__proto__" key an own property too), which nothing reading the value can tell apart,
  // and V8 copies a first spread object by cloning its shape, several times faster than setting each key.
  // The signature let only objects through.
  if (arg.length === 2 && isObject(arg[0]) && isObject(arg[1])) return { ...arg[0], ...arg[1] };
  let result: Record<string, unknown> = {};
  for (const obj of arg) if (isObject(obj)) result = { ...result, ...obj };
  return result;
}

function isObject(value: unknown): value is object {
  return value !== null && typeof value === 'object';
}

// the timestamps `$toMillis` reads without a picture
const iso8601 = /^\d{4}(-[01]\d)?(-[0-3]\d)?(T[0-2]\d:[0-5]\d:[0-5]\d)?(\.\d+)?([+-][0-2]\d:?[0-5]\d|Z)?$/;

function toMillis(timestamp: string | undefined, picture: string | undefined): number | undefined {
  if (timestamp === undefined) return undefined;
  if (picture !== undefined) throw BAIL;
  if (!iso8601.test(timestamp)) throw fail('D3110', { value: timestamp });
  return Date.parse(timestamp);
}

// `[Y0001]-[M01]-[D01]T[H01]:[m01]:[s01].[f001][Z01:01t]`, JSONata's default picture, is toISOString for years
// 0 to 9999; other years, pictures and time zones are left to jsonata.
const MIN_ISO = Date.parse('0000-01-01T00:00:00.000Z');
const MAX_ISO = Date.parse('9999-12-31T23:59:59.999Z');

function fromMillis(millis: number | undefined, picture: unknown, timezone: unknown): string | undefined {
  if (millis === undefined) return undefined;
  if (picture !== undefined || timezone !== undefined) throw BAIL;
  if (!(millis >= MIN_ISO && millis <= MAX_ISO)) throw BAIL;
  return isoString(Math.trunc(millis));
}

/** `HH:`, `MM:` and `SS.` for 0 to 99, and `fffZ` for 0 to 999: a time of day is four strings joined. */
const twoDigits = (n: number) => (n < 10 ? `0${n}` : `${n}`);
const COLON = Array.from({ length: 100 }, (_, n) => `${twoDigits(n)}:`);
const POINT = Array.from({ length: 60 }, (_, n) => `${twoDigits(n)}.`);
const MILLIS_Z = Array.from({ length: 1000 }, (_, n) => `${n < 10 ? '00' : n < 100 ? '0' : ''}${n}Z`);

/** The `YYYY-MM-DDT` of the day last formatted: a stream's timestamps mostly fall on the same day. */
let lastDay = Number.NaN;
let lastDate = '';

/** `new Date(ms).toISOString()` for years 0 to 9999 without a Date. */
function isoString(ms: number): string {
  const days = Math.floor(ms / 86_400_000);
  if (days !== lastDay) {
    lastDate = dateOf(days);
    lastDay = days;
  }
  let rest = ms - days * 86_400_000;
  const hours = Math.floor(rest / 3_600_000);
  rest -= hours * 3_600_000;
  const minutes = Math.floor(rest / 60_000);
  rest -= minutes * 60_000;
  const seconds = Math.floor(rest / 1000);
  return lastDate + COLON[hours] + COLON[minutes] + POINT[seconds] + MILLIS_Z[rest - seconds * 1000];
}

/**
 * `YYYY-MM-DDT` of a day since the epoch: days to a civil date by Howard Hinnant's `civil_from_days` (the
 * proleptic Gregorian calendar, as Date uses).
 */
function dateOf(days: number): string {
  const z = days + 719_468;
  const era = Math.floor(z / 146_097);
  const doe = z - era * 146_097;
  const yoe = Math.floor(
    (doe - Math.floor(doe / 1460) + Math.floor(doe / 36_524) - Math.floor(doe / 146_096)) / 365,
  );
  const doy = doe - (365 * yoe + Math.floor(yoe / 4) - Math.floor(yoe / 100));
  const mp = Math.floor((5 * doy + 2) / 153);
  const day = doy - Math.floor((153 * mp + 2) / 5) + 1;
  const month = mp < 10 ? mp + 3 : mp - 9;
  const year = yoe + era * 400 + (month <= 2 ? 1 : 0);
  const y = year < 10 ? `000${year}` : year < 100 ? `00${year}` : year < 1000 ? `0${year}` : `${year}`;
  return `${y}-${twoDigits(month)}-${twoDigits(day)}T`;
}

export const builtins: Record<string, Builtin> = {
  sum: define('<a<n>:n>', sum),
  count: define('<a:n>', (args: unknown[] | undefined) => (args === undefined ? 0 : args.length)),
  max: define('<a<n>:n>', (args: number[] | undefined) =>
    args === undefined || args.length === 0 ? undefined : Math.max(...args),
  ),
  min: define('<a<n>:n>', (args: number[] | undefined) =>
    args === undefined || args.length === 0 ? undefined : Math.min(...args),
  ),
  average: define('<a<n>:n>', (args: number[] | undefined) =>
    args === undefined || args.length === 0 ? undefined : (sum(args) as number) / args.length,
  ),
  string: define('<x-b?:s>', (arg: unknown, prettify: boolean | undefined) => toStr(arg, prettify)),
  substring: define('<s-nn?:s>', substring),
  lowercase: define('<s-:s>', (s: string | undefined) => s?.toLowerCase()),
  uppercase: define('<s-:s>', (s: string | undefined) => s?.toUpperCase()),
  length: define('<s-:n>', (s: string | undefined) =>
    s === undefined ? undefined : oneUnitPerCodePoint(s) ? s.length : codePoints(s).length,
  ),
  trim: define('<s-:s>', trim),
  contains: define('<s-(sf):b>', (str: string | undefined, token: unknown) => {
    if (str === undefined) return undefined;
    if (typeof token !== 'string') throw BAIL; // a regex: left to jsonata
    return str.indexOf(token) !== -1;
  }),
  join: define('<a<s>s?:s>', (strs: string[] | undefined, separator: string | undefined) =>
    strs === undefined ? undefined : strs.join(separator === undefined ? '' : separator),
  ),
  number: define('<(nsb)-:n>', number),
  abs: define('<n-:n>', (n: number | undefined) => (n === undefined ? undefined : Math.abs(n))),
  floor: define('<n-:n>', (n: number | undefined) => (n === undefined ? undefined : Math.floor(n))),
  ceil: define('<n-:n>', (n: number | undefined) => (n === undefined ? undefined : Math.ceil(n))),
  round: define('<n-n?:n>', round),
  boolean: define('<x-:b>', toBoolean),
  not: define('<x-:b>', (arg: unknown) => (arg === undefined ? undefined : !toBoolean(arg))),
  keys: define('<x-:a<s>>', keys),
  lookup: define('<x-s:x>', lookup),
  append: define('<xx:a>', append),
  exists: define('<x:b>', (arg: unknown) => arg !== undefined),
  merge: define('<a<o>:o>', merge),
  toMillis: define('<s-s?:n>', toMillis),
  fromMillis: define('<n-s?s?:s>', fromMillis),
};
