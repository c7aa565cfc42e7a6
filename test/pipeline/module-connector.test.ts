import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runSluice } from '../cli/compiled-cli.js';
import { numbersConnectorModule } from '../cli/connect-plugins.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-module-connector-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

const pipeline = (connector: string) => `name: own-connector
until-done: true
log:
  dir: ${join(dir, 'log')}
sources:
  - name: numbers
    connector: ${connector}
    topic: numbers
    config:
      count: 4
sinks:
  - name: out
    connector: FileStreamSink
    topics: numbers
    config:
      file: ${join(dir, 'out.jsonl')}
      format: json
`;

describe('pipeline › a connector named by its module', () => {
  it('runs `connector: ./numbers.ts#numbersSource` from the pipeline’s folder', async () => {
    writeFileSync(join(dir, 'numbers.ts'), numbersConnectorModule('numbersSource', 'NumbersSource'));
    const file = join(dir, 'p.yaml');
    writeFileSync(file, pipeline('./numbers.ts#numbersSource'));
    const valid = await runSluice(['validate', file]);
    expect(valid.code, valid.stderr).toBe(0);
    const run = await runSluice(['run', file, '--json']);
    expect(run.code, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout.trim().split('\n').pop()!)).toMatchObject({ ok: true, recordsIn: 4 });
    const lines = readFileSync(join(dir, 'out.jsonl'), 'utf8').trim().split('\n');
    expect(lines.map((l) => JSON.parse(l).n)).toEqual([0, 1, 2, 3]);
  }, 120_000);

  it('reports a wrong export or a bad config at its line', async () => {
    writeFileSync(join(dir, 'numbers.ts'), numbersConnectorModule('numbersSource', 'NumbersSource'));
    const file = join(dir, 'bad.yaml');
    writeFileSync(file, pipeline('./numbers.ts#nosuch'));
    const wrong = await runSluice(['validate', file]);
    expect(wrong.code).toBe(1);
    expect(wrong.stderr).toMatch(
      /bad\.yaml:7:\d+: sources\.0\.connector: .*numbers\.ts has no exported connector definition "nosuch" \(it exports numbersSource\)/,
    );
    writeFileSync(
      file,
      pipeline('./numbers.ts#numbersSource').replace('count: 4', 'count: 4\n      cuont: 5'),
    );
    const typo = await runSluice(['validate', file]);
    expect(typo.code).toBe(1);
    expect(typo.stderr).toContain('cuont');
  }, 120_000);
});
