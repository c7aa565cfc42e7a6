import { Serdes } from '../../streams/index.js';
import { compileExpression, type RecordExpression, truthy } from '../expression.js';
import { perRecord } from './dead-letter.js';
import type { CompiledStep, StepContext } from './step-context.js';

/**
 * `branch: [{ when: <expr>, to: topic }, ...]` sends each record to the topic of the first branch whose `when` is
 * truthy (a branch without `when` takes everything that reaches it); records no branch takes continue with the
 * next step.
 */
export function branchStep(branches: { when?: string; to: string }[], ctx: StepContext): CompiledStep {
  const compiled: { test: RecordExpression | null; to: string }[] = branches.map((b, i) => ({
    test: b.when === undefined ? null : compileExpression(b.when, `${ctx.where}.branch.${i}.when`),
    to: b.to,
  }));
  const json = Serdes.json<unknown>();
  return perRecord(ctx.where, ctx.deadLetterTopic, (record, emit, context) => {
    const target = compiled.find((b) => b.test === null || truthy(b.test(record)));
    if (!target) {
      emit(record);
      return;
    }
    context.send(target.to, {
      key: json.serialize(record.key, target.to),
      value: json.serialize(record.value, target.to),
      headers: record.headers,
      timestamp: record.timestamp,
    });
  });
}
