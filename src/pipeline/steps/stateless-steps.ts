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
    emit({ ...record, key: key === undefined ? null : plain(key) });
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

function withValue(record: AnyRecord, value: unknown): AnyRecord {
  return { ...record, value };
}

/**
 * JSONata marks the arrays it builds with extra properties (`sequence`, `keepSingleton`); a structured clone
 * through JSON gives plain data, as a record value read back from the log would be.
 */
function plain(value: unknown): unknown {
  return value !== null && typeof value === 'object' ? JSON.parse(JSON.stringify(value)) : value;
}
