import type { z } from 'zod';
import { configIssues, suggest } from '../config/index.js';
import type { Diagnostic } from './diagnostic.js';
import { expressionProblems, stepExpressions } from './expression/check.js';
import { type PipelineSpec, pipelineSchema, type StepKind, stepKinds, stepSchemas } from './schema.js';
import type { SourceFile } from './source-file.js';

/** What validation needs to know about the connectors that can be named in a pipeline. No I/O. */
export interface ConnectorCatalog {
  /** Every name a pipeline may use (short names and aliases). */
  names(): string[];
  kind(name: string): 'source' | 'sink' | undefined;
  /** Problems in a connector's config, keyed as in the config map; empty when valid. */
  validate(
    name: string,
    config: Record<string, unknown>,
    topics?: { topic?: string; topics?: string[] },
  ): { path: string; message: string; suggestion?: string }[];
  /** The topics a source writes given its config, when the connector decides them (e.g. topic.prefix + table). */
  topicsWritten?(
    name: string,
    config: Record<string, unknown>,
    topic: string | undefined,
  ): string[] | undefined;
  /** Whether a source can be given a file in `tests:` (input), and a sink read back (output). */
  testable?(name: string): { input: boolean; output: boolean };
}

export interface ValidationResult {
  spec: PipelineSpec | undefined;
  diagnostics: Diagnostic[];
}

type Path = (string | number)[];

/** Every problem in a pipeline file at once, each with its position; `spec` is set when there are none. */
export function validatePipeline(source: SourceFile, catalog: ConnectorCatalog): ValidationResult {
  const diagnostics = [...source.diagnostics];
  if (source.value === undefined) return { spec: undefined, diagnostics };
  if (source.value === null || typeof source.value !== 'object') {
    diagnostics.push(source.at([], 'a pipeline file is a mapping with log, sources, streams and sinks'));
    return { spec: undefined, diagnostics };
  }

  const parsed = pipelineSchema.safeParse(source.value);
  if (!parsed.success) {
    diagnostics.push(...schemaDiagnostics(source, pipelineSchema, source.value, []));
    return { spec: undefined, diagnostics };
  }
  const spec = parsed.data;
  const written = new Map<string, Path>();
  for (const name of Object.keys(spec.topics)) written.set(name, ['topics', name]);

  spec.sources.forEach((s, i) => {
    checkConnector(source, catalog, diagnostics, ['sources', i], s.connector, 'source', s.config, {
      ...(s.topic ? { topic: s.topic } : {}),
    });
    const topics = catalog.topicsWritten?.(s.connector, s.config, s.topic) ?? (s.topic ? [s.topic] : []);
    for (const t of topics) written.set(t, ['sources', i]);
  });

  const steps: { stream: number; index: number; kind: StepKind; body: Record<string, unknown> }[] = [];
  spec.streams.forEach((stream, i) => {
    if (stream.to) written.set(stream.to, ['streams', i, 'to']);
    if (stream['dead.letter.topic'])
      written.set(stream['dead.letter.topic'], ['streams', i, 'dead.letter.topic']);
    stream.steps.forEach((step, j) => {
      const path: Path = ['streams', i, 'steps', j];
      const checked = checkStep(source, diagnostics, path, step);
      if (!checked) return;
      steps.push({ stream: i, index: j, ...checked });
      if (checked.kind === 'branch') {
        for (const b of (checked.body as { branch: { to: string }[] }).branch) written.set(b.to, path);
      }
      if (checked.kind === 'aggregate') {
        const late = (checked.body as { aggregate: { 'late.topic'?: string } }).aggregate['late.topic'];
        if (late) written.set(late, path);
      }
    });
  });

  spec.sinks.forEach((s, i) => {
    checkConnector(source, catalog, diagnostics, ['sinks', i], s.connector, 'sink', s.config, {
      topics: s.topics,
    });
  });

  // Every topic read must be written by something in the file or declared under `topics:` (an outside input).
  const known = [...written.keys()];
  const reads: [string, Path][] = [];
  const listAt = (path: Path) => Array.isArray(raw(source, path));
  spec.streams.forEach((s, i) => {
    const list = listAt(['streams', i, 'from']);
    for (const [j, t] of s.from.entries()) reads.push([t, ['streams', i, 'from', ...(list ? [j] : [])]]);
  });
  for (const step of steps) {
    if (step.kind === 'join') {
      const table = (step.body as { join: { table: string } }).join.table;
      reads.push([table, ['streams', step.stream, 'steps', step.index, 'join', 'table']]);
    }
  }
  spec.sinks.forEach((s, i) => {
    const list = listAt(['sinks', i, 'topics']);
    for (const [j, t] of s.topics.entries()) reads.push([t, ['sinks', i, 'topics', ...(list ? [j] : [])]]);
  });
  for (const [topic, path] of reads) {
    if (written.has(topic)) continue;
    const near = suggest(topic, known);
    diagnostics.push(
      source.at(
        path,
        `nothing in this pipeline writes topic "${topic}"${near ? `; did you mean "${near}"?` : ''} (declare it under topics: if it is fed from outside)`,
        near ? { suggestion: near } : {},
      ),
    );
  }

  checkTests(source, catalog, diagnostics, spec);
  return { spec: diagnostics.length === 0 ? spec : undefined, diagnostics };
}

/** A test's file inputs name sources that can take one, and its `expect_output` sinks that can be read back. */
function checkTests(
  source: SourceFile,
  catalog: ConnectorCatalog,
  diagnostics: Diagnostic[],
  spec: PipelineSpec,
): void {
  const sources = spec.sources.map((s) => s.name);
  const sinks = spec.sinks.map((s) => s.name);
  spec.tests.forEach((test, i) => {
    for (const [name, input] of Object.entries(test.input)) {
      if (Array.isArray(input)) continue;
      const path: Path = ['tests', i, 'input', name];
      const entry = spec.sources.find((s) => s.name === name);
      if (!entry) {
        const near = suggest(name, sources);
        diagnostics.push(
          source.at(
            path,
            `no source is named "${name}"${near ? `; did you mean "${near}"?` : ''} (a file is given to a source by its name; a topic's input is a list of records)`,
            { onKey: true, ...(near ? { suggestion: near } : {}) },
          ),
        );
      } else if (catalog.testable && !catalog.testable(entry.connector).input) {
        diagnostics.push(
          source.at(path, `source "${name}" (connector ${entry.connector}) cannot be given a file in tests`, {
            onKey: true,
          }),
        );
      }
    }
    for (const name of Object.keys(test.expect_output ?? {})) {
      const path: Path = ['tests', i, 'expect_output', name];
      const entry = spec.sinks.find((s) => s.name === name);
      if (!entry) {
        const near = suggest(name, sinks);
        diagnostics.push(
          source.at(path, `no sink is named "${name}"${near ? `; did you mean "${near}"?` : ''}`, {
            onKey: true,
            ...(near ? { suggestion: near } : {}),
          }),
        );
      } else if (catalog.testable && !catalog.testable(entry.connector).output) {
        diagnostics.push(
          source.at(path, `sink "${name}" (connector ${entry.connector}) cannot be read back in tests`, {
            onKey: true,
          }),
        );
      }
    }
  });
}

function raw(source: SourceFile, path: Path): unknown {
  let v: unknown = source.value;
  for (const p of path) v = (v as Record<string | number, unknown> | undefined)?.[p];
  return v;
}

function schemaDiagnostics(source: SourceFile, schema: z.ZodType, value: unknown, base: Path): Diagnostic[] {
  return configIssues(schema, value).map((issue) => {
    const rel = issue.path === '' ? [] : splitPath(issue.path, value);
    const unknownKey = issue.message.startsWith('unknown key');
    return source.at([...base, ...rel], issue.message, {
      onKey: unknownKey,
      ...(issue.suggestion ? { suggestion: issue.suggestion } : {}),
    });
  });
}

/** Config paths are joined with dots, but keys such as `input.path` contain dots: resolve against the value. */
function splitPath(path: string, value: unknown): Path {
  const parts = path.split('.');
  const out: Path = [];
  let node = value as Record<string, unknown> | undefined;
  let i = 0;
  while (i < parts.length) {
    let matched = false;
    for (let j = parts.length; j > i; j--) {
      const key = parts.slice(i, j).join('.');
      if (node && typeof node === 'object' && key in node) {
        out.push(Array.isArray(node) ? Number(key) : key);
        node = (node as Record<string, unknown>)[key] as Record<string, unknown>;
        i = j;
        matched = true;
        break;
      }
    }
    if (!matched) {
      out.push(parts.slice(i).join('.'));
      break;
    }
  }
  return out;
}

function checkConnector(
  source: SourceFile,
  catalog: ConnectorCatalog,
  diagnostics: Diagnostic[],
  path: Path,
  name: string,
  kind: 'source' | 'sink',
  config: Record<string, unknown>,
  topics: { topic?: string; topics?: string[] },
): void {
  const actual = catalog.kind(name);
  if (!actual) {
    const names = catalog.names().filter((n) => catalog.kind(n) === kind);
    const near = suggest(name, names);
    diagnostics.push(
      source.at(
        [...path, 'connector'],
        `unknown ${kind} connector "${name}"; ${near ? `did you mean "${near}"?` : `available: ${names.join(', ')}`}`,
        near ? { suggestion: near } : {},
      ),
    );
    return;
  }
  if (actual !== kind) {
    diagnostics.push(source.at([...path, 'connector'], `"${name}" is a ${actual} connector, not a ${kind}`));
    return;
  }
  for (const issue of catalog.validate(name, config, topics)) {
    const rel = issue.path ? splitPath(issue.path, config) : [];
    diagnostics.push(
      source.at([...path, 'config', ...rel], issue.message, {
        onKey: issue.message.startsWith('unknown key'),
        ...(issue.suggestion ? { suggestion: issue.suggestion } : {}),
      }),
    );
  }
}

function checkStep(
  source: SourceFile,
  diagnostics: Diagnostic[],
  path: Path,
  step: unknown,
): { kind: StepKind; body: Record<string, unknown> } | undefined {
  if (step === null || typeof step !== 'object' || Array.isArray(step)) {
    diagnostics.push(source.at(path, `a step is a mapping with one of: ${stepKinds.join(', ')}`));
    return undefined;
  }
  const body = step as Record<string, unknown>;
  const kind = stepKinds.find((k) => k in body);
  if (!kind) {
    const first = Object.keys(body)[0] ?? '';
    const near = suggest(first, stepKinds);
    diagnostics.push(
      source.at(
        [...path, first],
        `unknown step "${first}"; ${near ? `did you mean "${near}"?` : `steps are ${stepKinds.join(', ')}`}`,
        {
          onKey: true,
          ...(near ? { suggestion: near } : {}),
        },
      ),
    );
    return undefined;
  }
  const schema = stepSchemas[kind];
  const before = diagnostics.length;
  diagnostics.push(...schemaDiagnostics(source, schema, body, path));
  if (diagnostics.length > before) return undefined;
  const parsed = schema.parse(body) as Record<string, unknown>;

  for (const [at, expr] of stepExpressions(kind, parsed, path)) {
    for (const problem of expressionProblems(expr)) diagnostics.push(source.at(at, problem));
  }
  if (kind === 'aggregate') {
    const window = (
      parsed.aggregate as { window?: { type: string; size?: number; advance?: number; gap?: number } }
    ).window;
    if (window) {
      const need = window.type === 'session' ? 'gap' : 'size';
      if (window[need as 'gap' | 'size'] === undefined) {
        diagnostics.push(
          source.at([...path, 'aggregate', 'window'], `a ${window.type} window needs "${need}"`),
        );
      }
      if (window.type === 'hopping' && window.advance === undefined) {
        diagnostics.push(source.at([...path, 'aggregate', 'window'], 'a hopping window needs "advance"'));
      }
    }
  }
  return { kind, body: step as Record<string, unknown> };
}
