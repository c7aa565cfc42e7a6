import { dirname } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Observable } from 'rxjs';
import { Serdes, TopologyTestDriver } from '../streams/index.js';
import { compileExpression, truthy } from './expression.js';
import type { PipelineSpec } from './schema.js';
import { compileStream } from './steps/index.js';

export interface TestRecordSpec {
  key?: unknown;
  value: unknown;
  headers?: Record<string, string>;
  timestamp?: number | string;
}

/** The outcome of one `tests:` case. */
export interface TestCaseResult {
  name: string;
  passed: boolean;
  /** Per output topic, what differs: one line per missing, unexpected or different record. */
  failures: string[];
  durationMs: number;
}

function timestampOf(t: number | string | undefined, fallback: number): number {
  if (t === undefined) return fallback;
  return typeof t === 'number' ? t : Date.parse(t);
}

/** An expected output record of a `tests:` case. */
export interface ExpectedRecordSpec extends Partial<TestRecordSpec> {
  value_contains?: unknown;
  condition?: string;
}

interface ActualRecord {
  key: unknown;
  value: unknown;
  headers: Record<string, string>;
  timestamp: number;
}

const show = (r: unknown) => JSON.stringify(r);

const isObject = (v: unknown): v is Record<string, unknown> =>
  typeof v === 'object' && v !== null && !Array.isArray(v);

/** Where `actual` differs from `expected`, one line per field (`value.amount: expected 29, got 28.5`). */
function differences(path: string, expected: unknown, actual: unknown, partial: boolean): string[] {
  if (isDeepStrictEqual(expected, actual)) return [];
  if (isObject(expected) && isObject(actual)) {
    const out: string[] = [];
    for (const [k, v] of Object.entries(expected)) {
      if (!(k in actual)) out.push(`${path}.${k}: missing, expected ${show(v)}`);
      else out.push(...differences(`${path}.${k}`, v, actual[k], partial));
    }
    if (!partial)
      for (const k of Object.keys(actual))
        if (!(k in expected)) out.push(`${path}.${k}: not expected, got ${show(actual[k])}`);
    return out;
  }
  if (Array.isArray(expected) && Array.isArray(actual)) {
    if (partial) {
      // Each expected item must be held by some item of the actual array, in any order.
      return expected.flatMap((item, i) =>
        actual.some((a) => differences('', item, a, true).length === 0)
          ? []
          : [`${path}[${i}]: no item holds ${show(item)}`],
      );
    }
    if (expected.length !== actual.length)
      return [`${path}: expected ${expected.length} items, got ${actual.length}: ${show(actual)}`];
    return expected.flatMap((item, i) => differences(`${path}[${i}]`, item, actual[i], false));
  }
  return [`${path}: expected ${show(expected)}, got ${show(actual)}`];
}

/**
 * Why `actual` does not meet `expected`, field by field; empty when it does. Fields the expectation leaves out
 * (key, headers) are not compared; `value_contains` compares only the fields it names; `condition` must be true.
 */
function mismatches(expected: ExpectedRecordSpec, actual: ActualRecord, where: string): string[] {
  const out: string[] = [];
  if ('key' in expected) out.push(...differences('key', expected.key, actual.key, false));
  if ('value' in expected) out.push(...differences('value', expected.value, actual.value, false));
  if (expected.value_contains !== undefined)
    out.push(...differences('value', expected.value_contains, actual.value, true));
  for (const [k, v] of Object.entries(expected.headers ?? {})) {
    if (actual.headers[k] !== v)
      out.push(`headers.${k}: expected ${show(v)}, got ${show(actual.headers[k] ?? null)}`);
  }
  if (expected.condition !== undefined) {
    let result: unknown;
    try {
      result = compileExpression(
        expected.condition,
        where,
      )({
        topic: '',
        partition: 0,
        offset: 0,
        key: actual.key,
        value: actual.value,
        timestamp: actual.timestamp,
        headers: Object.entries(actual.headers).map(([key, v]) => ({ key, value: Buffer.from(v) })),
      });
    } catch (err) {
      out.push(`condition ${show(expected.condition)} failed: ${(err as Error).message}`);
      return out;
    }
    if (!truthy(result))
      out.push(`condition ${show(expected.condition)} is false for value ${show(actual.value)}`);
  }
  return out;
}

/** The topics the pipeline's streams write: their `to`, dead-letter topics and `branch` targets. */
function topicsWritten(spec: PipelineSpec): Set<string> {
  const out = new Set<string>();
  for (const s of spec.streams) {
    if (s.to) out.add(s.to);
    if (s['dead.letter.topic']) out.add(s['dead.letter.topic']);
    for (const step of s.steps) {
      const branches = (step as { branch?: unknown }).branch;
      if (Array.isArray(branches))
        for (const b of branches)
          if (typeof (b as { to?: unknown }).to === 'string') out.add((b as { to: string }).to);
    }
  }
  return out;
}

/**
 * Runs a pipeline's `tests:` on the Streams test driver: no log, no connectors, no timers. Each case pipes its
 * input records (topic by topic, in file order) through the `streams:` of the pipeline and compares every output
 * topic it names, dead-letter topics included, record by record, in order.
 */
export async function runPipelineTests(spec: PipelineSpec, file: string): Promise<TestCaseResult[]> {
  const results: TestCaseResult[] = [];
  for (const test of spec.tests) {
    const started = performance.now();
    const driver = new TopologyTestDriver({ applicationId: spec.name ?? 'pipeline-test', startTime: 0 });
    const pipelines: Observable<unknown>[] = [];
    for (const [i, stream] of spec.streams.entries()) {
      pipelines.push(
        await compileStream(
          stream,
          i,
          { stream: (t) => driver.stream(t), table: (t) => driver.table(t) },
          dirname(file),
        ),
      );
    }
    const failures: string[] = [];
    try {
      driver.start(...pipelines);
      for (const [topic, records] of Object.entries(test.input)) {
        const input = driver.input<unknown, unknown>(topic);
        for (const [n, r] of records.entries()) {
          input.pipeInput(r.key ?? null, r.value, {
            timestamp: timestampOf(r.timestamp, n),
            ...(r.headers
              ? { headers: Object.entries(r.headers).map(([key, v]) => ({ key, value: Buffer.from(v) })) }
              : {}),
          });
        }
      }
    } catch (err) {
      failures.push(`the pipeline failed: ${(err as Error).message}`);
    }
    const written = topicsWritten(spec);
    for (const [topic, expected] of Object.entries(test.expect)) {
      const actual = driver
        .output<unknown, unknown>(topic, { key: Serdes.json(), value: Serdes.json() })
        .readRecords()
        .map((r) => ({
          key: r.key,
          value: r.value,
          timestamp: r.timestamp,
          headers: Object.fromEntries(r.headers.map((h) => [h.key, h.value?.toString() ?? ''])),
        }));
      // An expectation on a topic nothing writes would pass as long as it expects nothing: say so instead.
      if (!written.has(topic) && actual.length === 0) {
        const names = [...written].sort();
        failures.push(
          `${topic}: no stream of the pipeline writes this topic${names.length ? ` (they write ${names.join(', ')})` : ''}`,
        );
        continue;
      }
      const n = Math.max(expected.length, actual.length);
      for (let i = 0; i < n; i++) {
        const e = expected[i] as ExpectedRecordSpec | undefined;
        const a = actual[i];
        if (e && !a) failures.push(`${topic}[${i}]: missing; expected ${show(e)}`);
        else if (!e && a) failures.push(`${topic}[${i}]: unexpected ${show({ key: a.key, value: a.value })}`);
        else if (e && a) {
          const why = mismatches(e, a, `tests "${test.name}" expect ${topic}[${i}]`);
          if (why.length === 1) failures.push(`${topic}[${i}]: ${why[0]}`);
          else if (why.length > 1) failures.push(`${topic}[${i}]:\n${why.map((w) => `    ${w}`).join('\n')}`);
        }
      }
    }
    driver.close();
    results.push({
      name: test.name,
      passed: failures.length === 0,
      failures,
      durationMs: performance.now() - started,
    });
  }
  return results;
}
