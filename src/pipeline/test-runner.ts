import { dirname } from 'node:path';
import type { Observable } from 'rxjs';
import type { AnyConnectorDefinition } from '../connect/index.js';
import { Serdes, TopologyTestDriver } from '../streams/index.js';
import { differences, failureLine, show } from './differences.js';
import { compileExpression, truthy } from './expression.js';
import type { PipelineSpec, SinkSpec, TestSpec } from './schema.js';
import { compileStream } from './steps/index.js';
import type { TestConnectors, TopicRecord } from './test-connectors.js';
import { type LineFields, outputMismatches } from './test-output.js';

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

/** What {@link runPipelineTests} may be given beyond the pipeline. */
export interface PipelineTestOptions {
  /** The connectors the pipeline may name (the built-in ones by default), for cases that run sources or sinks. */
  plugins?: readonly AnyConnectorDefinition[];
}

/**
 * Runs a pipeline's `tests:` on the Streams test driver: no log, no timers. Each case pipes its input (topic by
 * topic, in file order) through the `streams:` of the pipeline and compares every output topic it names,
 * dead-letter topics included, record by record, in order. An input that names a source gives it a file: the real
 * source reads it (its parsing, typing, transforms, converter and error handling) on a temporary embedded log, and
 * what it wrote is piped in. An `expect_output` runs the real sinks it names over their topics' records (the
 * input's and the streams') and compares the lines they wrote.
 */
export async function runPipelineTests(
  spec: PipelineSpec,
  file: string,
  options: PipelineTestOptions = {},
): Promise<TestCaseResult[]> {
  const results: TestCaseResult[] = [];
  for (const test of spec.tests) {
    const started = performance.now();
    let connectors: TestConnectors | undefined;
    const failures: string[] = [];
    try {
      const needsConnectors =
        test.expect_output !== undefined || Object.values(test.input).some((i) => !Array.isArray(i));
      if (needsConnectors) {
        const { TestConnectors } = await import('./test-connectors.js');
        connectors = await TestConnectors.create(spec, file, options.plugins);
      }
      failures.push(...(await runCase(spec, file, test, connectors, options)));
    } finally {
      await connectors?.close();
    }
    results.push({
      name: test.name,
      passed: failures.length === 0,
      failures,
      durationMs: performance.now() - started,
    });
  }
  return results;
}

async function runCase(
  spec: PipelineSpec,
  file: string,
  test: TestSpec,
  connectors: TestConnectors | undefined,
  options: PipelineTestOptions,
): Promise<string[]> {
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
  const json = Serdes.json<unknown>();
  // The driver keeps what is piped into a topic as that topic's records, as it keeps what streams write.
  const feed = (topic: string, r: TopicRecord) =>
    driver
      .input<Buffer | null, Buffer | null>(topic, { key: Serdes.buffer, value: Serdes.buffer })
      .pipeInput(r.key, r.value, { timestamp: r.timestamp, headers: r.headers });
  const written = topicsWritten(spec);
  try {
    driver.start(...pipelines);
    for (const [name, input] of Object.entries(test.input)) {
      if (Array.isArray(input)) {
        for (const [n, r] of input.entries()) {
          feed(name, {
            key: json.serialize(r.key ?? null, name),
            value: json.serialize(r.value, name),
            timestamp: timestampOf(r.timestamp, n),
            headers: Object.entries(r.headers ?? {}).map(([key, v]) => ({ key, value: Buffer.from(v) })),
          });
        }
        continue;
      }
      const source = spec.sources.find((s) => s.name === name);
      if (!source || !connectors) {
        failures.push(
          `input ${name}: no source of the pipeline is named so (a topic's input is a list of records)`,
        );
        continue;
      }
      const read = await connectors.readSource(source, input);
      failures.push(...read.problems.map((p) => `input ${name}: ${p}`));
      for (const topic of read.topics) written.add(topic);
      for (const [topic, records] of read.records) for (const r of records) feed(topic, r);
    }
  } catch (err) {
    failures.push(`the pipeline failed: ${(err as Error).message}`);
  }
  for (const [topic, expected] of Object.entries(test.expect)) {
    // Decoded here, so that a topic whose records are not JSON (a CSV source's dead letters) fails only the
    // expectations on it.
    const actual: ActualRecord[] = [];
    try {
      for (const r of driver
        .output<Buffer | null, Buffer | null>(topic, { key: Serdes.buffer, value: Serdes.buffer })
        .readRecords()) {
        actual.push({
          key: json.deserialize(r.key, topic),
          value: json.deserialize(r.value, topic),
          timestamp: r.timestamp,
          headers: Object.fromEntries(r.headers.map((h) => [h.key, h.value?.toString() ?? ''])),
        });
      }
    } catch (err) {
      failures.push(`${topic}: ${(err as Error).message}`);
      continue;
    }
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
        if (why.length > 0) failures.push(failureLine(`${topic}[${i}]`, why));
      }
    }
  }
  if (test.expect_output !== undefined && connectors) {
    failures.push(...(await checkOutput(spec, test, driver, connectors, options)));
  }
  driver.close();
  return failures;
}

/** Runs the sinks `expect_output` names over their topics' records and compares the lines they wrote. */
async function checkOutput(
  spec: PipelineSpec,
  test: TestSpec,
  driver: TopologyTestDriver,
  connectors: TestConnectors,
  options: PipelineTestOptions,
): Promise<string[]> {
  const failures: string[] = [];
  const sinks: SinkSpec[] = [];
  for (const name of Object.keys(test.expect_output ?? {})) {
    const sink = spec.sinks.find((s) => s.name === name);
    if (sink) sinks.push(sink);
    else failures.push(`expect_output ${name}: no sink of the pipeline is named so`);
  }
  const records = new Map<string, TopicRecord[]>();
  for (const topic of new Set(sinks.flatMap((s) => s.topics))) {
    const out = driver
      .output<Buffer | null, Buffer | null>(topic, { key: Serdes.buffer, value: Serdes.buffer })
      .readRecords()
      .map((r) => ({ key: r.key, value: r.value, headers: [...r.headers], timestamp: r.timestamp }));
    records.set(topic, out);
  }
  const { lines, problems } = await connectors.writeSinks(sinks, records);
  failures.push(...problems.map((p) => `expect_output: ${p}`));
  const { builtinConnectors } = await import('../../connectors/index.js');
  const plugins = options.plugins ?? builtinConnectors;
  for (const sink of sinks) {
    const written = lines.get(sink.name);
    if (!written) continue;
    failures.push(
      ...outputMismatches(sink.name, test.expect_output![sink.name]!, written, sinkFields(sink, plugins)),
    );
  }
  return failures;
}

/** The sink's own way of telling the fields of a line it wrote, with its config parsed; none when it has none. */
function sinkFields(sink: SinkSpec, plugins: readonly AnyConnectorDefinition[]): LineFields {
  const definition = plugins.find((p) => p.name === sink.connector || p.aliases?.includes(sink.connector));
  if (definition?.kind !== 'sink' || !definition.outputFields) return () => undefined;
  const own = Object.fromEntries(Object.entries(sink.config).filter(([k]) => k in definition.config.shape));
  const parsed = definition.config.safeParse({ ...own, ...definition.testOutput?.('.') });
  if (!parsed.success) return () => undefined;
  return (line, header) => definition.outputFields!(line, header, parsed.data);
}
