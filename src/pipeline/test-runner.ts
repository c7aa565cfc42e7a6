import { dirname } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import type { Observable } from 'rxjs';
import { Serdes, TopologyTestDriver } from '../streams/index.js';
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

/** Does `actual` match `expected`? Fields the expectation leaves out (key, headers) are not compared. */
function matches(
  expected: TestRecordSpec,
  actual: { key: unknown; value: unknown; headers: Record<string, string> },
): boolean {
  if ('key' in expected && !isDeepStrictEqual(expected.key, actual.key)) return false;
  if (!isDeepStrictEqual(expected.value, actual.value)) return false;
  if (expected.headers) {
    for (const [k, v] of Object.entries(expected.headers)) if (actual.headers[k] !== v) return false;
  }
  return true;
}

const show = (r: unknown) => JSON.stringify(r);

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
    for (const [topic, expected] of Object.entries(test.expect)) {
      const actual = driver
        .output<unknown, unknown>(topic, { key: Serdes.json(), value: Serdes.json() })
        .readRecords()
        .map((r) => ({
          key: r.key,
          value: r.value,
          headers: Object.fromEntries(r.headers.map((h) => [h.key, h.value?.toString() ?? ''])),
        }));
      const n = Math.max(expected.length, actual.length);
      for (let i = 0; i < n; i++) {
        const e = expected[i] as TestRecordSpec | undefined;
        const a = actual[i];
        if (e && !a) failures.push(`${topic}[${i}]: missing; expected ${show(e)}`);
        else if (!e && a) failures.push(`${topic}[${i}]: unexpected ${show({ key: a.key, value: a.value })}`);
        else if (e && a && !matches(e, a)) {
          failures.push(
            `${topic}[${i}]:\n    - expected ${show(e)}\n    + actual   ${show({ key: a.key, value: a.value, ...(e.headers ? { headers: a.headers } : {}) })}`,
          );
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
