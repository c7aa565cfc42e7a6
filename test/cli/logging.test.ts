import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { root } from '../bench/dist.js';
import { runSluice } from './compiled-cli.js';
import { numbersConnectorModule } from './connect-plugins.js';

const dir = mkdtempSync(join(tmpdir(), 'sluice-logging-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

/** A CSV batch pipeline: its source logs "file done" at info. */
function csvPipeline(name: string): string {
  mkdirSync(join(dir, name, 'in'), { recursive: true });
  writeFileSync(join(dir, name, 'in', 'rows.csv'), 'id\n1\n2\n');
  const file = join(dir, name, 'p.yaml');
  writeFileSync(
    file,
    `name: ${name}
until-done: true
log:
  dir: ${join(dir, name, 'log')}
sources:
  - name: rows
    connector: csv
    topic: rows
    config:
      input.path: ${join(dir, name, 'in')}
      input.claim: offsets
      input.finite: true
      cleanup.policy: none
sinks:
  - name: out
    connector: FileStreamSink
    topics: rows
    config:
      file: ${join(dir, name, 'out.txt')}
`,
  );
  return file;
}

describe('cli › logging options', { timeout: 120_000 }, () => {
  it('--log-format pretty prints one readable line per entry; json prints JSON lines', async () => {
    const pretty = await runSluice(['run', csvPipeline('pretty'), '--log-format', 'pretty']);
    expect(pretty.code, pretty.stderr).toBe(0);
    const done = pretty.stderr.split('\n').find((l) => l.includes('file done'));
    expect(done).toMatch(/^\[\d\d:\d\d:\d\d\.\d{3}\] INFO: file done {"connector":"rows"/);
    expect(pretty.stderr).not.toMatch(/^\{/m);

    const json = await runSluice(['run', csvPipeline('json'), '--log-format', 'json']);
    const lines = json.stderr.split('\n').filter((l) => l.startsWith('{'));
    expect(lines.some((l) => JSON.parse(l).msg === 'file done')).toBe(true);
  });

  it('--log-level warn leaves info out', async () => {
    const quiet = await runSluice(['run', csvPipeline('quiet'), '--log-level', 'warn', '--json']);
    expect(quiet.code, quiet.stderr).toBe(0);
    expect(quiet.stderr).not.toContain('file done');
    const bad = await runSluice(['run', csvPipeline('bad-level'), '--log-level', 'loud']);
    expect(bad.code).not.toBe(0);
    expect(bad.stderr).toContain('Allowed choices are trace, debug, info, warn, error, fatal, silent');
  });

  it('logs each retry of a failing poll on one line, with the attempt, the wait and the cause', async () => {
    // A source whose first two polls fail with a retriable error (a table that is not there yet).
    const sluice = pathToFileURL(`${root}/dist/src/index.js`).href;
    const module = numbersConnectorModule('flakySource', 'FlakySource')
      .replace(
        `import { defineSourceConnector, EndOfInputError, field } from '${sluice}';`,
        `import { defineSourceConnector, EndOfInputError, field, RetriableError } from '${sluice}';\nlet failures = 0;`,
      )
      .replace(
        'async poll() {',
        'async poll() {\n        if (failures++ < 2) throw new RetriableError(\'relation "orders" does not exist\', { delayMs: 50 });',
      );
    mkdirSync(join(dir, 'flaky'));
    writeFileSync(join(dir, 'flaky', 'flaky.mjs'), module);
    const file = join(dir, 'flaky', 'p.yaml');
    writeFileSync(
      file,
      `name: flaky
until-done: true
log:
  dir: ${join(dir, 'flaky', 'log')}
sources:
  - name: numbers
    connector: ./flaky.mjs#flakySource
    topic: numbers
    config: { count: 2 }
`,
    );
    const r = await runSluice(['run', file, '--log-format', 'json', '--json']);
    expect(r.code, r.stderr).toBe(0);
    const retries = r.stderr
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l))
      .filter((e) => String(e.msg).startsWith('poll failed'));
    expect(retries.map((e) => e.msg)).toEqual([
      'poll failed (attempt 1), retrying in 50 ms: relation "orders" does not exist',
      'poll failed (attempt 2), retrying in 50 ms: relation "orders" does not exist',
    ]);
    expect(retries[0]).toMatchObject({ attempt: 1, retryInMs: 50, code: 'RETRIABLE' });
    // No stack: one line each, also in pretty form.
    expect(JSON.stringify(retries)).not.toContain('stack');
  });
});
