/** Shared by the expression tests: evaluate one expression both ways and say whether the outcomes agree. */
import jsonata from 'jsonata';
import { bindingsReader, compileProgram, type Program } from '../../../src/pipeline/expression/program.js';

export const VARIABLES = ['key', 'timestamp', 'topic'];

export type Outcome =
  | { value: unknown }
  | { error: { code: unknown; message: unknown; position: unknown; token: unknown } };

function outcome(f: () => unknown): Outcome {
  try {
    return { value: f() };
  } catch (err) {
    const e = err as Record<string, unknown>;
    return { error: { code: e.code, message: e.message, position: e.position, token: e.token } };
  }
}

const cache = new Map<string, ReturnType<typeof jsonata>>();

function parsed(text: string): ReturnType<typeof jsonata> {
  let e = cache.get(text);
  if (e === undefined) {
    if (cache.size > 1000) cache.clear();
    e = jsonata(text);
    cache.set(text, e);
  }
  return e;
}

export function programOf(text: string): Program {
  return compileProgram(text, bindingsReader(VARIABLES), (vars) => vars as Record<string, unknown>);
}

/** The compiled program's outcome and jsonata's, for the same input and bindings. */
export function bothWays(
  text: string,
  input: unknown,
  bindings: Record<string, unknown>,
  program = programOf(text),
): { compiled: Outcome; jsonata: Outcome } {
  return {
    compiled: outcome(() => program.evaluate(input, bindings)),
    jsonata: outcome(() => parsed(text).evaluate(input, bindings)),
  };
}

/**
 * Deep equality as a user of the result sees it, and a little more: the same types, numbers by `Object.is`
 * (NaN and -0 included), the same keys and values; arrays also agree on being a JSONata sequence, since that
 * decides how an enclosing expression treats them. Object prototypes are not compared: jsonata builds
 * prototype-less objects, the compiled code plain ones, and nothing reading a value can tell.
 */
export function same(a: unknown, b: unknown): boolean {
  if (typeof a !== typeof b) return false;
  if (typeof a === 'number') return Object.is(a, b);
  if (a === null || b === null || typeof a !== 'object') return a === b;
  if (Array.isArray(a) !== Array.isArray(b)) return false;
  if (Array.isArray(a)) {
    const x = a as unknown[] & { sequence?: boolean; keepSingleton?: boolean };
    const y = b as unknown[] & { sequence?: boolean; keepSingleton?: boolean };
    if (x.length !== y.length || Boolean(x.sequence) !== Boolean(y.sequence)) return false;
    return x.every((v, i) => same(v, y[i]));
  }
  const ka = Object.keys(a as object);
  const kb = Object.keys(b as object);
  if (ka.length !== kb.length || ka.some((k, i) => k !== kb[i])) return false;
  return ka.every((k) => same((a as Record<string, unknown>)[k], (b as Record<string, unknown>)[k]));
}

export function agree(o: { compiled: Outcome; jsonata: Outcome }): boolean {
  const { compiled: c, jsonata: j } = o;
  if ('error' in c || 'error' in j) {
    if (!('error' in c) || !('error' in j)) return false;
    return (
      c.error.code === j.error.code &&
      c.error.message === j.error.message &&
      c.error.position === j.error.position &&
      c.error.token === j.error.token
    );
  }
  return same(c.value, j.value);
}

export function describeOutcome(o: Outcome): string {
  if ('error' in o) return `error ${JSON.stringify(o.error)}`;
  const v = o.value;
  return `${JSON.stringify(v)}${Array.isArray(v) && (v as { sequence?: boolean }).sequence ? ' (sequence)' : ''}`;
}
