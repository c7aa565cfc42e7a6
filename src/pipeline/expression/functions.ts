/**
 * The JSONata built-in functions compiled expressions run natively, each with jsonata 1.8's signature and a port of
 * its implementation (`functions.js`, `datetime.js`). `undefined` in, `undefined` out, as there. A function not
 * listed here leaves its expression to jsonata's own evaluator.
 */
import { fail } from './jsonata-error.js';
import { append, codePoints, createSequence, isLambdaLike, lookup, toBoolean, toStr } from './sequence.js';
import { Signature } from './signature.js';

/** Thrown by a compiled expression for an input it does not handle; the caller then asks jsonata instead. */
export const BAIL: unique symbol = Symbol('evaluate with jsonata');

export interface Builtin {
  signature: Signature;
  implementation: (args: unknown[]) => unknown;
}

type Impl = (...args: never[]) => unknown;

function define(signature: string, implementation: Impl): Builtin {
  const impl = implementation as (...a: unknown[]) => unknown;
  return { signature: new Signature(signature), implementation: (args) => impl(...args) };
}

function sum(args: number[] | undefined): number | undefined {
  if (args === undefined) return undefined;
  let total = 0;
  for (const n of args) total += n;
  return total;
}

function round(arg: number | undefined, precision: number | undefined): number | undefined {
  if (arg === undefined) return undefined;
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
  if (
    typeof arg === 'string' &&
    /^-?[0-9]+(\.[0-9]+)?([Ee][-+]?[0-9]+)?$/.test(arg) &&
    !Number.isNaN(Number.parseFloat(arg)) &&
    Number.isFinite(Number(arg))
  ) {
    return Number.parseFloat(arg);
  }
  if (arg === true) return 1;
  if (arg === false) return 0;
  throw fail('D3030', { value: arg, index: 1 });
}

function substring(str: string | undefined, start: number, length: number | undefined): string | undefined {
  if (str === undefined) return undefined;
  const chars = codePoints(str);
  let from = start;
  if (chars.length + from < 0) from = 0;
  if (length !== undefined) {
    if (length <= 0) return '';
    const end = from >= 0 ? from + length : chars.length + from + length;
    return chars.slice(from, end).join('');
  }
  return chars.slice(from).join('');
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
  const result: Record<string, unknown> = Object.create(null);
  for (const obj of arg) {
    if (obj === null || typeof obj !== 'object') continue;
    for (const prop of Object.keys(obj)) result[prop] = (obj as Record<string, unknown>)[prop];
  }
  return result;
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
  return new Date(millis).toISOString();
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
  length: define('<s-:n>', (s: string | undefined) => (s === undefined ? undefined : codePoints(s).length)),
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
