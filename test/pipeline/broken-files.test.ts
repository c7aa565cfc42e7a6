import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { connectorCatalog } from '../../src/pipeline/catalog.js';
import { formatDiagnostic } from '../../src/pipeline/diagnostic.js';
import { SourceFile } from '../../src/pipeline/source-file.js';
import { validatePipeline } from '../../src/pipeline/validate.js';

const run = promisify(execFile);

/** Each broken file under test/pipeline/broken and the lines `sluice validate` must print for it. */
const corpus: Record<string, string[]> = {
  'unknown-connector.yaml': [
    'unknown-connector.yaml:3:16: sources.0.connector: unknown source connector "csvv"; did you mean "csv"?',
  ],
  'missing-config.yaml': [
    'missing-config.yaml:6:7: sources.0.config.input.path: missing required key "input.path" (string)',
  ],
  'wrong-type.yaml': [
    'wrong-type.yaml:7:19: sources.0.config.batch.size: Invalid input: expected number, received string',
  ],
  'unwritten-topic.yaml': [
    'unwritten-topic.yaml:8:11: streams.0.from: nothing in this pipeline writes topic "lnes"; did you mean "lines"?',
  ],
  'bad-expression.yaml': [
    'bad-expression.yaml:10:17: streams.0.steps.0.filter: expression does not parse: Expected ")" before end of expression',
  ],
  'unknown-key.yaml': ['unknown-key.yaml:8:5: streams.0.form: unknown key "form"; did you mean "from"?'],
  'unknown-step.yaml': [
    'unknown-step.yaml:10:9: streams.0.steps.0.fliter: unknown step "fliter"; did you mean "filter"?',
  ],
  // Every error at once, not only the first.
  'several-errors.yaml': [
    'several-errors.yaml:5:13: sources.0.config.input.path: missing required key "input.path" (string)',
    'several-errors.yaml:8:16: sinks.0.connector: unknown sink connector "FileStreamSinkk"; did you mean "FileStreamSink"?',
    '2 errors in test/pipeline/broken/several-errors.yaml',
  ],
};

async function validate(file: string): Promise<{ code: number; output: string }> {
  try {
    const r = await run(process.execPath, ['--import', 'tsx', 'src/cli/run.ts', 'validate', file], {
      timeout: 55_000,
    });
    return { code: 0, output: r.stdout + r.stderr };
  } catch (e) {
    const err = e as { code: number; stdout: string; stderr: string };
    return { code: err.code, output: err.stdout + err.stderr };
  }
}

async function validateInProcess(file: string): Promise<string[]> {
  const { diagnostics } = validatePipeline(await SourceFile.read(file), connectorCatalog());
  return diagnostics.map(formatDiagnostic);
}

describe('pipeline › validate › broken files', () => {
  it('reports each mistake with file:line:column and the nearest valid choice', async () => {
    for (const [name, lines] of Object.entries(corpus)) {
      const output = (await validateInProcess(`test/pipeline/broken/${name}`)).join('\n');
      expect(output, name).not.toBe('');
      for (const line of lines.filter((l) => !l.includes(' errors in ')))
        expect(output, name).toContain(line);
    }
  });

  it('sluice validate prints every error at once and exits non-zero', async () => {
    const { code, output } = await validate('test/pipeline/broken/several-errors.yaml');
    expect(code).toBe(1);
    for (const line of corpus['several-errors.yaml']!) expect(output).toContain(line);
  }, 60_000);
});
