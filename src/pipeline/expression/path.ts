/**
 * Path expressions (`a.b.c`, `$.a`, `a.$string()`), ported from jsonata 1.8's `evaluatePath` and `evaluateStep`:
 * each step is evaluated once per item of the sequence the previous step gave, and the results flattened into the
 * next sequence (one level; an array built by `[...]` stays whole). A last step giving one plain array gives that
 * array as it is.
 */
import { createSequence, isSequence, type Sequence } from './sequence.js';

export interface Scope {
  /** The input of the whole expression (`$$`). */
  root: unknown;
  /** Where bound variables are read: the record, or an object of bindings. */
  vars: unknown;
}

/** A compiled node: what jsonata's `evaluate(node, input, environment)` returns. */
export type Fn = (input: unknown, scope: Scope) => unknown;

const hasOwn = Object.prototype.hasOwnProperty;

function evaluateStep(step: Fn, input: unknown[], scope: Scope, lastStep: boolean): unknown[] {
  // One pass: the results go straight into the sequence, flattened one level; what jsonata does with the list of
  // results (a last step with a single plain array result gives that array) is decided from the count at the end.
  const sequence = createSequence();
  let results = 0;
  let first: unknown;
  for (let i = 0; i < input.length; i++) {
    const res = step(input[i], scope);
    if (res === undefined) continue;
    if (results++ === 0) first = res;
    if (!Array.isArray(res) || (res as Sequence).cons) sequence.push(res);
    else for (let j = 0; j < res.length; j++) sequence.push(res[j]);
  }
  if (lastStep && results === 1 && Array.isArray(first) && !isSequence(first)) return first;
  return sequence;
}

/** The general path: any steps, any inputs. `consFirst`: the first step is an array constructor, evaluated once. */
export function generalPath(steps: Fn[], firstIsVariable: boolean, consFirst: boolean): Fn {
  return (input, scope) => {
    let inputSequence: unknown[] = Array.isArray(input) && !firstIsVariable ? input : createSequence(input);
    let resultSequence: unknown[] | undefined;
    for (let i = 0; i < steps.length; i++) {
      if (i === 0 && consFirst) resultSequence = steps[0](inputSequence, scope) as unknown[];
      else resultSequence = evaluateStep(steps[i], inputSequence, scope, i === steps.length - 1);
      if (resultSequence === undefined || resultSequence.length === 0) break;
      inputSequence = resultSequence;
    }
    return resultSequence;
  };
}

/**
 * A path of field names, optionally after a variable (`a.b`, `$.a`, `$key.id`): while every value on the way is
 * not an array, each step is a property read, which is what the general path comes to for one item. An array on
 * the way hands the whole path to the general evaluation (reads have no effects, so starting over is safe).
 *
 * The reads are generated code with each name written out (as a JSON string literal, the only part of the
 * expression that enters the code): a read under a constant name is a named property load, which V8 caches per
 * object shape, where a shared closure reading `cur[names[i]]` sees every name and every shape at one site.
 */
export function namePath(first: Fn | undefined, names: string[], general: Fn): Fn {
  const steps = names.map((name) => {
    const key = JSON.stringify(name);
    return `if (cur === null || typeof cur !== 'object') return undefined;
    if (Array.isArray(cur)) return general(input, scope);
    if (cur._jsonata_function === true || cur._jsonata_lambda === true || !hasOwn.call(cur, ${key})) return undefined;
    cur = cur[${key}];`;
  });
  const source = `return (input, scope) => {
    let cur = ${first === undefined ? 'input' : 'first(input, scope)'};
    ${steps.join('\n    ')}
    return cur;
  };`;
  return new Function('first', 'general', 'hasOwn', source)(first, general, hasOwn) as Fn;
}
