import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { ExpressionError } from '../../src/errors.js';
import { compileExpression } from '../../src/pipeline/expression.js';
import { pipelineSchema } from '../../src/pipeline/schema.js';
import { runPipelineTests } from '../../src/pipeline/test-runner.js';
import type { StreamRecord } from '../../src/streams/index.js';
import { agree, bothWays, describeOutcome, programOf } from './expression/agree.js';
import { shippedExpressions } from './expression/shipped.js';

/** Shipped expressions that jsonata evaluates, and why the compiler leaves them to it. */
const LEFT_TO_JSONATA: Record<string, string> = {
  '$eval($)': '$eval parses its argument as a JSONata expression at run time',
  '$filter($split($lowercase($), /[^a-z0-9]+/), function($w) { $length($w) > 0 })':
    'regular expressions, lambdas and higher-order functions are not compiled',
};

/** The fixture values, and each with every field in turn missing, null, and a string. */
function variants(values: unknown[]): unknown[] {
  const out: unknown[] = [...values, undefined, null, {}, 'text', 7];
  for (const v of values) {
    if (v === null || typeof v !== 'object' || Array.isArray(v)) continue;
    for (const k of Object.keys(v)) {
      const { [k]: _dropped, ...rest } = v as Record<string, unknown>;
      out.push(rest, { ...v, [k]: null }, { ...v, [k]: 'x' }, { ...v, [k]: [1, 2] });
    }
  }
  return out;
}

const shipped = shippedExpressions();

describe('pipeline › expression › shipped', () => {
  it('finds the expressions of pipelines/ and docs/', () => {
    const where = new Set(shipped.map((e) => e.where.split(' ')[0]));
    expect([...where]).toEqual(expect.arrayContaining(['pipelines/quickstart.yaml', 'docs/expressions.md']));
    expect(shipped.length).toBeGreaterThanOrEqual(15);
  });

  it.each(shipped.map((e) => [e.where, e] as const))('%s agrees with jsonata', (_where, { text, values }) => {
    const program = programOf(text);
    const bindings = { key: 'k1', timestamp: 1767258000000, topic: 'orders' };
    for (const value of variants(values)) {
      const outcome = bothWays(text, value, bindings, program);
      expect(
        agree(outcome),
        `${text} on ${JSON.stringify(value)}: compiled ${describeOutcome(outcome.compiled)}, jsonata ${describeOutcome(outcome.jsonata)}`,
      ).toBe(true);
    }
  });

  it('the example of docs/expressions.md passes its own tests', async () => {
    const file = `${process.cwd()}/docs/expressions.md`;
    const yaml = /```yaml\n([\s\S]*?)```/.exec(readFileSync(file, 'utf8'))?.[1] ?? '';
    const results = await runPipelineTests(pipelineSchema.parse(parse(yaml)), file);
    expect(results.map((r) => [r.name, r.passed, r.failures])).toEqual([['a paid order', true, []]]);
  });

  it('runs every shipped expression compiled, except those it names with a reason', () => {
    const fallback = shipped.filter((e) => !compileExpression(e.text, e.where).compiled).map((e) => e.text);
    expect([...new Set(fallback)].sort()).toEqual(Object.keys(LEFT_TO_JSONATA).sort());
  });
});

describe('pipeline › expression › record', () => {
  const record = (value: unknown): StreamRecord<unknown, unknown> => ({
    topic: 'orders',
    partition: 0,
    offset: 41,
    timestamp: 1767258000000,
    key: { id: 7 },
    value,
    headers: [{ key: 'source', value: Buffer.from('web') }],
  });

  it('binds the record variables in compiled and jsonata-evaluated expressions alike', () => {
    const text =
      '{ "k": $key.id, "t": $fromMillis($timestamp), "at": $topic & "-" & $partition & "@" & $offset, "h": $headers.source, "v": v }';
    const compiled = compileExpression(text, 'test');
    const evaluated = compileExpression(`$eval("1") ? ${text}`, 'test');
    expect(compiled.compiled).toBe(true);
    expect(evaluated.compiled).toBe(false);
    const expected = { k: 7, t: '2026-01-01T09:00:00.000Z', at: 'orders-0@41', h: 'web', v: 1 };
    expect({ ...(compiled(record({ v: 1 })) as object) }).toEqual(expected);
    expect({ ...(evaluated(record({ v: 1 })) as object) }).toEqual(expected);
  });

  it('fails with an ExpressionError carrying JSONata code, message and position', () => {
    for (const text of ['amount + 1', '$eval("1") ? amount + 1']) {
      const evaluate = compileExpression(text, 'test');
      let error: unknown;
      try {
        evaluate(record({ amount: 'x' }));
      } catch (err) {
        error = err;
      }
      expect(error).toBeInstanceOf(ExpressionError);
      const e = error as ExpressionError;
      expect(e.code).toBe('T2001');
      expect(e.position).toBe(text.indexOf('+') + 1);
      expect(e.message).toBe(
        `The left side of the "+" operator must evaluate to a number (JSONata T2001 at character ${e.position} of ${JSON.stringify(text)})`,
      );
    }
  });
});
