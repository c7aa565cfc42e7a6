/**
 * JSONata's data model, as its evaluator (jsonata 1.8) has it, for the compiled expressions to produce the very
 * same values. A path gives a *sequence*: an array flagged `sequence`, unwrapped when a node's evaluation ends (none
 * → undefined, one → the item, unless `keepSingleton`). Arrays built by `[...]` are not sequences; inside a path
 * step, one flagged `cons` is kept whole instead of being flattened into the step's result.
 */
import { fail } from './jsonata-error.js';

export type Sequence = unknown[] & { sequence: true; keepSingleton?: boolean; cons?: boolean };

export function createSequence(...items: unknown[]): Sequence {
  const s = items as Sequence;
  s.sequence = true;
  return s;
}

export function isSequence(value: unknown): value is Sequence {
  return Array.isArray(value) && (value as Sequence).sequence === true;
}

/** What ends every node's evaluation in JSONata: a sequence of none is undefined, of one its item. */
export function unwrap(result: unknown): unknown {
  if (Array.isArray(result) && (result as Sequence).sequence === true) {
    if (result.length === 0) return undefined;
    if (result.length === 1 && !(result as Sequence).keepSingleton) return result[0];
  }
  return result;
}

/** A finite number; NaN is not one, and an infinite number is an error (D1001) wherever JSONata checks this. */
export function isNumeric(n: unknown): n is number {
  if (typeof n !== 'number' || Number.isNaN(n)) return false;
  if (!Number.isFinite(n)) throw fail('D1001', { value: n });
  return true;
}

/** JSONata takes any object flagged as one of its function values for a function, even one read from data. */
export function isFunction(arg: unknown): boolean {
  if (typeof arg === 'function') return true;
  if (arg === null || typeof arg !== 'object') return false;
  const f = arg as { _jsonata_function?: unknown; _jsonata_lambda?: unknown };
  return f._jsonata_function === true || f._jsonata_lambda === true;
}

/** `isLambda`: a JSONata lambda value (any object flagged so). */
export function isLambdaLike(arg: unknown): boolean {
  return (arg as { _jsonata_lambda?: unknown })._jsonata_lambda === true;
}

const hasOwn = Object.prototype.hasOwnProperty;

/** A field of an object, or the fields of every item of an array flattened into a sequence (`fn.lookup`). */
export function lookup(input: unknown, key: string): unknown {
  if (Array.isArray(input)) {
    const result = createSequence();
    for (let i = 0; i < input.length; i++) {
      const res = lookup(input[i], key);
      if (res === undefined) continue;
      if (Array.isArray(res)) for (const v of res) result.push(v);
      else result.push(res);
    }
    return result;
  }
  if (input !== null && typeof input === 'object' && hasOwn.call(input, key) && !isFunction(input)) {
    return (input as Record<string, unknown>)[key];
  }
  return undefined;
}

/** `fn.append`: undefined sides are ignored; otherwise both sides become arrays and are concatenated. */
export function append(arg1: unknown, arg2: unknown): unknown {
  if (arg1 === undefined) return arg2;
  if (arg2 === undefined) return arg1;
  const a = Array.isArray(arg1) ? arg1 : createSequence(arg1);
  return a.concat(Array.isArray(arg2) ? arg2 : [arg2]);
}

/** `=`: strict equality for scalars, item by item for arrays, key set and values for objects. */
export function isDeepEqual(lhs: unknown, rhs: unknown): boolean {
  if (lhs === rhs) return true;
  if (typeof lhs !== 'object' || typeof rhs !== 'object' || lhs === null || rhs === null) return false;
  if (Array.isArray(lhs) && Array.isArray(rhs)) {
    if (lhs.length !== rhs.length) return false;
    for (let i = 0; i < lhs.length; i++) if (!isDeepEqual(lhs[i], rhs[i])) return false;
    return true;
  }
  const lkeys = Object.getOwnPropertyNames(lhs).sort();
  const rkeys = Object.getOwnPropertyNames(rhs).sort();
  if (lkeys.length !== rkeys.length) return false;
  for (let i = 0; i < lkeys.length; i++) if (lkeys[i] !== rkeys[i]) return false;
  for (const key of lkeys) {
    if (!isDeepEqual((lhs as Record<string, unknown>)[key], (rhs as Record<string, unknown>)[key]))
      return false;
  }
  return true;
}

/**
 * The effective boolean value (`fn.boolean`): undefined stays undefined; "", 0, null, false, empty objects and
 * arrays, functions are false; an array is true when any of its items is.
 */
export function toBoolean(arg: unknown): boolean | undefined {
  if (arg === undefined) return undefined;
  if (typeof arg === 'boolean') return arg;
  if (typeof arg === 'string') return arg.length > 0;
  if (Array.isArray(arg)) {
    if (arg.length === 1) return toBoolean(arg[0]);
    let any = false;
    // every item is looked at, as JSONata filters them all (an infinite number among them is an error)
    for (const v of arg) if (toBoolean(v)) any = true;
    return any;
  }
  if (isNumeric(arg)) return arg !== 0;
  if (arg !== null && typeof arg === 'object') return Object.keys(arg).length > 0;
  return false;
}

/** `fn.string`: strings as they are, numbers to 15 significant digits, anything else as compact JSON. */
export function toStr(arg: unknown, prettify = false): string | undefined {
  if (arg === undefined) return undefined;
  if (typeof arg === 'string') return arg;
  if (isFunction(arg)) return '';
  if (typeof arg === 'number') {
    if (!Number.isFinite(arg)) throw fail('D3001', { value: arg });
    if (!Number.isNaN(arg)) return numberToString(arg);
  }
  return JSON.stringify(arg, stringifyValue, prettify ? 2 : 0);
}

/**
 * `Number(n.toPrecision(15))` as a string. A number whose shortest form has at most 15 significant digits comes
 * back from 15-digit rounding unchanged (a double is closer to it than half a unit of the 15th digit), so its
 * shortest form is the answer without the costly `toPrecision`.
 */
function numberToString(n: number): string {
  const s = String(n);
  if (s.length <= 15 || (s.length <= 17 && significantDigits(s) <= 15)) return s;
  const rounded = Number(n.toPrecision(15));
  return Number.isFinite(rounded) ? String(rounded) : 'null'; // near the largest double, rounding overflows
}

function significantDigits(s: string): number {
  if (s.includes('e')) return 99;
  let i = 0;
  while (i < s.length && (s[i] === '-' || s[i] === '0' || s[i] === '.')) i++;
  let digits = 0;
  for (; i < s.length; i++) if (s[i] !== '.') digits++;
  return digits;
}

function stringifyValue(_key: string, val: unknown): unknown {
  if (
    val !== undefined &&
    val !== null &&
    typeof (val as number).toPrecision === 'function' &&
    isNumeric(val)
  ) {
    return Number(val.toPrecision(15));
  }
  return val && isFunction(val) ? '' : val;
}

/** The characters of a string as code points, as JSONata counts them for `$length` and `$substring`. */
export function codePoints(str: string): string[] {
  return Array.from(str);
}

const surrogate = /[\uD800-\uDFFF]/;

/** Whether every code point of the string is one UTF-16 unit, so that string indexes are code point indexes. */
export function oneUnitPerCodePoint(str: string): boolean {
  return !surrogate.test(str);
}
