/**
 * `npm run bench -- expressions [--ms 300] [--json]`: every expression of `pipelines/` and `docs/`, evaluated on
 * the record values of its file's `tests:` (those jsonata evaluates without an error), two ways side by side:
 *
 * - `compiled`: `compileExpression`, as pipeline steps call it: JavaScript compiled from JSONata's parse tree
 *   (or jsonata, for the expressions it leaves to it: the `compiled` column says which).
 * - `jsonata`: `jsonata(text).evaluate(value, bindings)`, binding only the record variables the expression names,
 *   as sluice evaluated every expression before.
 *
 * Each subject runs after a warm-up for at least `--ms` of CPU time; the figure is CPU µs per expression per
 * record (process.cpuUsage, user + system), the goal for compiled expressions 0.3 µs. The compiled side is the
 * compiled module from dist/, as `sluice run` loads it. The peak RSS is the
 * benchmark process's own.
 */

import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import jsonata from 'jsonata';
import type { StreamRecord } from '../../src/streams/index.js';
import { shippedExpressions } from '../pipeline/expression/shipped.js';
import { ensureDist, root } from './dist.js';
import { flag, formatTable, wantsJson } from './report.js';

type AnyRecord = StreamRecord<unknown, unknown>;

const GOAL_US = 0.3;
const VARIABLES = ['key', 'timestamp', 'topic', 'partition', 'offset', 'headers'] as const;

interface Result {
  where: string;
  expression: string;
  compiled: boolean;
  records: number;
  compiledUs: number;
  jsonataUs: number;
}

function recordOf(value: unknown, i: number): AnyRecord {
  return {
    topic: 'orders',
    partition: 0,
    offset: i,
    timestamp: 1767258000000 + i,
    key: `k${i}`,
    value,
    headers: [{ key: 'source', value: Buffer.from('bench') }],
  };
}

/** The old evaluation: jsonata with the record variables the expression names bound per record. */
function jsonataOf(text: string): (record: AnyRecord) => unknown {
  const expression = jsonata(text);
  const names = VARIABLES.filter((v) => text.includes(`$${v}`));
  if (names.length === 0) return (r) => expression.evaluate(r.value);
  return (r) => {
    const bindings: Record<string, unknown> = {};
    for (const n of names) {
      bindings[n] =
        n === 'headers'
          ? Object.fromEntries(r.headers.map((h) => [h.key, h.value?.toString() ?? null]))
          : r[n];
    }
    return expression.evaluate(r.value, bindings);
  };
}

let sink: unknown;

/** CPU µs per evaluation of `fn` over `records`, after a warm-up, over at least `ms` of CPU. */
function cpuPerCall(fn: (r: AnyRecord) => unknown, records: AnyRecord[], ms: number): number {
  const spin = (budgetMs: number) => {
    const start = process.cpuUsage();
    let calls = 0;
    for (;;) {
      for (let round = 0; round < 100; round++) for (const r of records) sink = fn(r);
      calls += 100 * records.length;
      const used = process.cpuUsage(start);
      const usedMs = (used.user + used.system) / 1000;
      if (usedMs >= budgetMs) return (usedMs * 1000) / calls;
    }
  };
  spin(ms / 3);
  return spin(ms);
}

export async function run(args: string[]): Promise<void> {
  await ensureDist();
  const { compileExpression } = (await import(
    pathToFileURL(join(root, 'dist/src/pipeline/expression.js')).href
  )) as typeof import('../../src/pipeline/expression.js');
  const ms = Number(flag(args, 'ms') ?? 300);
  const results: Result[] = [];
  for (const { where, text, values } of shippedExpressions()) {
    const reference = jsonataOf(text);
    const records = values.map(recordOf).filter((r) => {
      try {
        return reference(r) !== undefined || true;
      } catch {
        return false;
      }
    });
    if (records.length === 0) continue;
    const compiled = compileExpression(text, where);
    results.push({
      where,
      expression: text.replace(/\s+/g, ' ').trim(),
      compiled: compiled.compiled,
      records: records.length,
      compiledUs: cpuPerCall(compiled, records, ms),
      jsonataUs: cpuPerCall(reference, records, ms),
    });
  }
  const rssMb = Math.round(process.resourceUsage().maxRSS / 1024);
  if (sink === Symbol.for('never')) process.stdout.write('');
  if (wantsJson(args)) {
    process.stdout.write(`${JSON.stringify({ results, rssMb }, null, 2)}\n`);
    return;
  }
  const rows = results.map((r) => [
    r.where,
    r.expression.length > 60 ? `${r.expression.slice(0, 57)}...` : r.expression,
    r.compiled ? 'yes' : 'no',
    String(r.records),
    r.compiledUs.toFixed(3),
    r.jsonataUs.toFixed(2),
    `${(r.jsonataUs / r.compiledUs).toFixed(1)}x`,
  ]);
  process.stdout.write(
    `${formatTable(['expression', 'text', 'compiled', 'values', 'compiled µs', 'jsonata µs', 'speed-up'], rows)}\n`,
  );
  const native = results.filter((r) => r.compiled).map((r) => r.compiledUs);
  const worst = Math.max(...native);
  const sorted = [...native].sort((a, b) => a - b);
  process.stdout.write(
    `compiled expressions: median ${sorted[Math.floor(sorted.length / 2)].toFixed(3)} µs, worst ${worst.toFixed(3)} µs ` +
      `of CPU per expression per record (goal: ≤ ${GOAL_US} µs${worst <= GOAL_US ? ', met' : ', not met'}); ` +
      `${results.length - native.length} of ${results.length} left to jsonata; peak RSS ${rssMb} MB\n`,
  );
}
