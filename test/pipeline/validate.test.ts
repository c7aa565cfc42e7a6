import { describe, expect, it } from 'vitest';
import { z } from 'zod';
import { configIssues } from '../../src/config/index.js';
import { formatDiagnostic } from '../../src/pipeline/diagnostic.js';
import { SourceFile } from '../../src/pipeline/source-file.js';
import { type ConnectorCatalog, validatePipeline } from '../../src/pipeline/validate.js';

// A catalog of two connectors with real schemas, so these tests do not depend on the connector packages.
const schemas: Record<string, { kind: 'source' | 'sink'; schema: z.ZodType }> = {
  csv: {
    kind: 'source',
    schema: z.strictObject({ 'input.path': z.string(), 'input.file.pattern': z.string().default('*.csv') }),
  },
  file: { kind: 'sink', schema: z.strictObject({ file: z.string() }) },
};
const catalog: ConnectorCatalog = {
  names: () => Object.keys(schemas),
  kind: (n) => schemas[n]?.kind,
  validate: (n, config) => configIssues(schemas[n].schema, config),
};

function check(text: string, env: Record<string, string> = {}) {
  const result = validatePipeline(SourceFile.parse('p.yaml', text, env), catalog);
  return { ...result, lines: result.diagnostics.map(formatDiagnostic) };
}

const good = `
sources:
  - name: in
    connector: csv
    topic: raw
    config:
      input.path: \${DATA_DIR:examples/data}
streams:
  - name: clean
    from: raw
    steps:
      - filter: amount > 0
      - map: '{ "id": id, "amount": $number(amount) }'
    to: clean
sinks:
  - name: out
    connector: file
    topics: clean
    config:
      file: out.txt
`;

describe('pipeline › validate', () => {
  it('accepts a good file and interpolates the environment', () => {
    const { spec, lines } = check(good, { DATA_DIR: '/data' });
    expect(lines).toEqual([]);
    expect(spec?.sources[0].config['input.path']).toBe('/data');
    expect(check(good).spec?.sources[0].config['input.path']).toBe('examples/data');
  });

  it('reports every error at once with file:line:column and the nearest valid name', () => {
    const bad = `
sources:
  - name: in
    connector: cvs
    topic: raw
    config: {}
streams:
  - name: clean
    from: raww
    steps:
      - filtre: amount > 0
      - map: '{ "id": id'
    to: clean
sinks:
  - name: out
    connector: file
    topics: clean
    config:
      fiel: out.txt
`;
    const { spec, lines } = check(bad);
    expect(spec).toBeUndefined();
    expect(lines).toEqual([
      'p.yaml:4:16: sources.0.connector: unknown source connector "cvs"; did you mean "csv"?',
      'p.yaml:11:9: streams.0.steps.0.filtre: unknown step "filtre"; did you mean "filter"?',
      expect.stringMatching(/^p\.yaml:12:14: streams\.0\.steps\.1\.map: expression does not parse: /),
      'p.yaml:19:7: sinks.0.config.file: missing required key "file" (string)',
      'p.yaml:19:7: sinks.0.config.fiel: unknown key "fiel"; did you mean "file"?',
      'p.yaml:9:11: streams.0.from: nothing in this pipeline writes topic "raww"; did you mean "raw"? (declare it under topics: if it is fed from outside)',
    ]);
  });

  it('rejects unknown functions and calls with a number of arguments no signature takes', () => {
    const steps = good
      .replace('amount > 0', '$rond(amount) > 0')
      .replace(
        '$number(amount)',
        '$substring(), "n": $round(amount, 2, 3), "ok": $f(1), "s": amount ~> $string()',
      )
      .replace('- map:', '- key: ($f := function($x) { $x }; $f(id))\n      - map:');
    const { spec, lines } = check(steps);
    expect(spec).toBeUndefined();
    expect(lines).toEqual([
      'p.yaml:12:17: streams.0.steps.0.filter: unknown function $rond; did you mean $round? (at character 6)',
      'p.yaml:14:14: streams.0.steps.2.map: $substring takes 1 to 3 arguments, not 0 (at character 33)',
      'p.yaml:14:14: streams.0.steps.2.map: $round takes 0 to 2 arguments, not 3 (at character 48)',
      'p.yaml:14:14: streams.0.steps.2.map: unknown function $f (at character 72)',
    ]);
  });

  it('names a missing environment variable', () => {
    const { lines } = check(good.replace('${DATA_DIR:examples/data}', '${DATA_DIR}'));
    expect(lines).toEqual([
      'p.yaml:7:19: environment variable DATA_DIR is not set and has no default (write ${DATA_DIR:default})',
    ]);
  });

  it('reports YAML syntax errors with their position', () => {
    const { lines } = check('sources:\n  - name: [unclosed\n');
    expect(lines[0]).toMatch(/^p\.yaml:\d+:\d+: /);
  });

  it('checks wrong types and unknown top-level keys', () => {
    const { lines } = check('sorces: []\nstreams:\n  - name: s\n    from: 5\n');
    expect(lines).toContain('p.yaml:1:1: sorces: unknown key "sorces"; did you mean "sources"?');
    expect(lines.some((l) => l.startsWith('p.yaml:4:11: streams.0.from: '))).toBe(true);
  });
});
