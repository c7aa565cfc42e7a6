/**
 * Array and object constructors, ported from jsonata 1.8's `evaluateUnary` (`[`) and `evaluateGroupExpression`
 * (`{`). An object constructor groups its input: over an array each key expression is evaluated per item and the
 * items of a key are gathered before its value expression runs once on them.
 */

import { BAIL } from './functions.js';
import { fail } from './jsonata-error.js';
import type { Fn, Scope } from './path.js';
import { append, createSequence } from './sequence.js';

/** `[a, b, ...]`: undefined items are left out, arrays spliced in, except an item that is itself `[...]`. */
export function arrayConstructor(items: Fn[], nested: boolean[], cons: boolean): Fn {
  return (input, scope) => {
    const result: unknown[] = [];
    for (let i = 0; i < items.length; i++) {
      const value = items[i](input, scope);
      if (value === undefined) continue;
      if (nested[i] || !Array.isArray(value)) result.push(value);
      else for (const v of value) result.push(v);
    }
    if (cons) Object.defineProperty(result, 'cons', { enumerable: false, configurable: false, value: true });
    return result;
  };
}

const reserved = (key: string) => key === '_jsonata_lambda' || key === '_jsonata_function';

/**
 * `{ "k": v, ... }` with literal, distinct keys over an input that is not an array: one group, so each value
 * expression runs once on the input, in the order JSONata visits its groups (integer-like keys first).
 */
export function literalObject(keys: string[], values: Fn[], general: Fn): Fn {
  const order = Object.keys(Object.fromEntries(keys.map((k, i) => [k, i]))).map((k) => keys.indexOf(k));
  if (keys.includes('__proto__')) {
    return (input, scope) => {
      if (Array.isArray(input)) return general(input, scope);
      const result: Record<string, unknown> = Object.create(null);
      for (const i of order) {
        const value = values[i](input, scope);
        if (value !== undefined) result[keys[i]] = value;
      }
      return result;
    };
  }
  return objectBuilder(
    order.map((i) => keys[i]),
    order.map((i) => values[i]),
    general,
  );
}

/**
 * The object of `keys` in order, each set when its value is not undefined, built by generated code: with each
 * key written out, every store is to a named property and the objects share one shape, several times faster
 * than stores under a key read from an array. The keys enter the code as JSON string literals; nothing else
 * from the expression does.
 */
function objectBuilder(keys: string[], values: Fn[], general: Fn): Fn {
  const stores = keys.map(
    (k, i) => `v = values[${i}](input, scope); if (v !== undefined) result[${JSON.stringify(k)}] = v;`,
  );
  const source = `return (input, scope) => {
    if (Array.isArray(input)) return general(input, scope);
    const result = {};
    let v;
    ${stores.join('\n    ')}
    return result;
  };`;
  return new Function('values', 'general', source)(values, general) as Fn;
}

interface Group {
  data: unknown;
  exprIndex: number;
}

/** Any object constructor over any input: the port of `evaluateGroupExpression` without tuple streams. */
export function groupedObject(pairs: [Fn, Fn][], position: number | undefined): Fn {
  return (rawInput, scope: Scope) => {
    // JSONata puts an undefined item into an empty input array, changing the caller's data: left to it
    if (Array.isArray(rawInput) && rawInput.length === 0) throw BAIL;
    const input = Array.isArray(rawInput) ? rawInput : createSequence(rawInput);
    const groups: Record<string, Group> = Object.create(null);
    for (const item of input) {
      for (let p = 0; p < pairs.length; p++) {
        const key = pairs[p][0](item, scope);
        if (typeof key !== 'string' && key !== undefined) throw fail('T1003', { position, value: key });
        if (key === undefined) continue;
        if (reserved(key)) throw BAIL;
        const group = groups[key];
        if (group !== undefined) {
          if (group.exprIndex !== p) throw fail('D1009', { position, value: key });
          group.data = append(group.data, item);
        } else {
          groups[key] = { data: item, exprIndex: p };
        }
      }
    }
    const result: Record<string, unknown> = Object.create(null);
    for (const key in groups) {
      const entry = groups[key];
      const value = pairs[entry.exprIndex][1](entry.data, scope);
      if (value !== undefined) result[key] = value;
    }
    return result;
  };
}
