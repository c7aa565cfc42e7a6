import { describe, expect, it } from 'vitest';
import { connectorCatalog } from '../../src/pipeline/catalog.js';
import { formatDiagnostic } from '../../src/pipeline/diagnostic.js';
import { SourceFile } from '../../src/pipeline/source-file.js';
import { runPipelineTests } from '../../src/pipeline/test-runner.js';
import { validatePipeline } from '../../src/pipeline/validate.js';

// In process, with what `sluice validate` and `sluice test` call (the commands themselves are run by the quickstart
// and broken-file tests): eight CLI processes at once are too slow on a loaded machine.
const pipelines = [
  'wordcount',
  'file-tail-to-topic',
  'csv-to-postgres',
  'enrichment-join',
  'postgres-cdc-to-file',
];

describe('pipeline › ready pipelines › own tests', () => {
  for (const name of pipelines) {
    it(`${name} validates and passes its tests: block`, async () => {
      const file = `pipelines/${name}.yaml`;
      const { spec, diagnostics } = validatePipeline(await SourceFile.read(file), connectorCatalog());
      expect(diagnostics.map(formatDiagnostic)).toEqual([]);
      const results = await runPipelineTests(spec!, file);
      expect(results.length).toBeGreaterThan(0);
      for (const r of results) expect(r.failures, `${name}: ${r.name}`).toEqual([]);
      expect(results.every((r) => r.passed)).toBe(true);
    });
  }
});
