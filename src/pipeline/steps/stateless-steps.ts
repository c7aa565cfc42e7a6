import { withKey, withValue } from '../../streams/index.js';
import { compileExpression, truthy } from '../expression.js';
import { type AnyRecord, perRecord } from './dead-letter.js';
import type { CompiledStep, StepContext } from './step-context.js';

/** `filter: <expr>` keeps the records for which the expression is truthy. */
export function filterStep(expr: string, ctx: StepContext): CompiledStep {
  const test = compileExpression(expr, ctx.where);
  return perRecord(ctx.where, ctx.deadLetterTopic, (record, emit) => {
    if (truthy(test(record))) emit(record);
  });
}

/** `map: <expr>` replaces the value with the expression's result (a record whose result is undefined is dropped). */
export function mapStep(expr: string, ctx: StepContext): CompiledStep {
  const evaluate = compileExpression(expr, ctx.where);
  return perRecord(ctx.where, ctx.deadLetterTopic, (record, emit) => {
    const value = evaluate(record);
    if (value === undefined)
      throw new Error('the map expression gave no value (a field it needs is missing?)');
    emit(withValue(record, plain(value)));
  });
}

/** `key: <expr>` sets the record key (the partitioning and grouping key downstream). */
export function keyStep(expr: string, ctx: StepContext): CompiledStep {
  const evaluate = compileExpression(expr, ctx.where);
  return perRecord(ctx.where, ctx.deadLetterTopic, (record, emit) => {
    const key = evaluate(record);
    emit(withKey(record, key === undefined ? null : plain(key)));
  });
}

/** `flatMap: <expr>` emits one record per element of the array the expression gives (none for an empty result). */
export function flatMapStep(expr: string, ctx: StepContext): CompiledStep {
  const evaluate = compileExpression(expr, ctx.where);
  return perRecord(ctx.where, ctx.deadLetterTopic, (record, emit) => {
    const result = evaluate(record);
    if (result === undefined) return;
    for (const value of Array.isArray(result) ? result : [result]) emit(withValue(record, plain(value)));
  });
}

/**
 * JSONata marks the arrays it builds with extra properties (`sequence`, `keepSingleton`): a copy gives plain data, as
 * a record value read back from the log would be, without a JSON round trip per record. As in JSON, functions and
 * undefined fields are left out, and an undefined array element or a non-finite number becomes null.
 */
function plain(value: unknown): unknown {
  return value !== null && typeof value === 'object' && !isPlainObject(value) ? copy(value) : value;
}

const hasOwn = Object.prototype.hasOwnProperty;

/**
 * True when `value` is already what {@link copy} would make of it: an object (not an array) whose own fields are
 * finite numbers, strings, booleans, nulls or such objects, and nothing inherited. What compiled map
 * expressions build mostly is (`{ "id": id, "amount": $round(...) }`): checked with `for in`, which allocates
 * nothing, where a copy costs an object and a key list per record. Arrays are always copied (JSONata flags its
 * sequences with extra properties).
 */
function isPlainObject(value: object, depth = 0): boolean {
  if (Array.isArray(value) || depth > 8) return false;
  // Objects made with Object.create(null) (what some constructors make for a "__proto__" key) are copied too.
  if (Object.getPrototypeOf(value) !== Object.prototype) return false;
  for (const k in value) {
    if (!hasOwn.call(value, k)) return false;
    const v = (value as Record<string, unknown>)[k];
    switch (typeof v) {
      case 'string':
      case 'boolean':
        continue;
      case 'number':
        if (!Number.isFinite(v)) return false;
        continue;
      case 'object':
        if (v === null || isPlainObject(v, depth + 1)) continue;
        return false;
      default:
        return false;
    }
  }
  return true;
}

function copy(value: unknown): unknown {
  if (typeof value === 'number') return Number.isFinite(value) ? value : null;
  if (typeof value === 'function') return undefined;
  if (value === null || typeof value !== 'object') return value;
  if (Array.isArray(value)) {
    const out: unknown[] = new Array(value.length);
    for (let i = 0; i < value.length; i++) out[i] = copy(value[i]) ?? null;
    return out;
  }
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(value)) {
    const v = copy((value as Record<string, unknown>)[k]);
    if (v !== undefined) out[k] = v;
  }
  return out;
}
